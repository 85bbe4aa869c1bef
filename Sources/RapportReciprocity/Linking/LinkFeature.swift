/// The features of one (message, candidate antecedent) pair that the link model scores.
///
/// Features prefixed `s` describe the message alone and are set only for the self candidate
/// (the message starting a conversation); features prefixed `p` describe the pair and are set
/// only for an earlier message. A linear model over this vector thus learns separate weights for
/// "start a new conversation" and "answer that message". `Replay` dumps these very vectors for
/// `Training/train_link_model.py`, so Swift is the one implementation of the features.
///
/// Appending a case changes the model's input: retrain and regenerate `LinkModel+Weights.swift`.
enum LinkFeature: Int, CaseIterable {
    // MARK: - Self candidate (the message starts a conversation)
    case sBias
    case sAddressed
    case sMentions
    case sNoPrevious
    case sPrevDist1
    case sPrevDist2to5
    case sPrevDist6to20
    case sPrevDist21
    case sPrevGap0
    case sPrevGap1to2
    case sPrevGap3to10
    case sPrevGap11
    case sQuestion
    case sGreeting
    case sJoinedRecently
    case sAddressedByOtherRecently
    case sBot
    case sShort
    case sLong
    case sAction
    case sQuiet5
    case sPrevWasLinkedToOther
    case sThanks
    case sFirstInWindow

    // MARK: - Earlier candidate (the message answers it)
    case pDist1
    case pDist2
    case pDist3
    case pDist4to5
    case pDist6to10
    case pDist11to20
    case pDist21
    case pDistScaled
    case pGap0
    case pGap1
    case pGap2to4
    case pGap5to15
    case pGap16
    case pQueryAddressesCand
    case pQueryAddressesCandLatest
    case pQueryMentionsCand
    case pCandAddressesQuery
    case pCandAddressesQueryLatest
    case pCandMentionsQuery
    case pQueryAddressesOther
    case pCandAddressesOther
    case pSameUser
    case pSameUserPrevious
    case pSameUserPreviousUntargeted
    case pSameUserPreviousQuestion
    case pCandLatestOfUser
    case pNoQueryUserBetween
    case pCandQuestion
    case pCandQuestionLatest
    case pQueryQuestion
    case pCandBot
    case pQueryBot
    case pBotAnswersCommand
    case pPairAddressedQC
    case pPairAddressedCQ
    case pPairLinkedQC
    case pPairLinkedCQ
    case pCandAntecedentIsQueryUser
    case pCandAntecedentIsQueryUserLatest
    case pQueryPrevAntecedentIsCandUser
    case pCommon0
    case pCommon1
    case pCommon2
    case pCommon5
    case pCommonFraction
    case pSameAddressee
    case pCandStarted
    case pCandStartedQuestion
    case pCandAction
    case pCandThanks
    case pQueryThanks
    case pQueryThanksCandLatest
    case pCandUserJoinedRecently
    case pCandGreeting
    case pCandShort

    /// The number of features.
    static let count = allCases.count
    /// Index of the first pair feature.
    static let firstPair = LinkFeature.pDist1.rawValue
}
