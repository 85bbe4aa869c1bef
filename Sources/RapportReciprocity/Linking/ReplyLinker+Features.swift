extension ReplyLinker {
    /// What the features need to know about one candidate author, computed once per query.
    struct AuthorFacts {
        var user: UInt64
        var addressedByQuery = false
        var addressedQuery = false
        var linkedFromQuery = false
        var linkedToQuery = false
    }

    /// Scores the self candidate and every message in the window; returns the best sequence number.
    mutating func rank(_ query: Entry, dump: ((_ candidates: [Int], _ features: ArraySlice<Float>) -> Void)?) -> Int {
        let stride = LinkFeature.count
        let count = window.count - windowStart
        let used = (count + 1) * stride
        var features: [Float] = []
        swap(&features, &self.features)
        defer { swap(&features, &self.features) }
        var authors: [AuthorFacts] = []
        authors.reserveCapacity(16)
        let qState = users[query.user]
        let context = QueryContext(
            previous: qState?.lastMessage ?? -1, previousAntecedentUser: qState?.lastAntecedentUser)
        var best = 0
        var bestScore = -Float.infinity
        features.withUnsafeMutableBufferPointer { buffer in
            let base = buffer.baseAddress!
            base.update(repeating: 0, count: used)
            selfFeatures(query, state: qState, into: base)
            bestScore = model.score(UnsafeBufferPointer(start: base, count: stride))
            window.withUnsafeBufferPointer { w in
                var row = 1
                var i = w.count - 1
                while i >= windowStart {
                    let user = w[i].user
                    var a = authors.firstIndex { $0.user == user } ?? -1
                    if a < 0 {
                        authors.append(authorFacts(user, query: query))
                        a = authors.count - 1
                    }
                    let f = base + row * stride
                    pairFeatures(query, w.baseAddress! + i, distance: row, author: authors[a], context: context, into: f)
                    let score = model.score(UnsafeBufferPointer(start: f, count: stride))
                    if score > bestScore {
                        bestScore = score
                        best = row
                    }
                    row += 1
                    i -= 1
                }
            }
        }
        if let dump {
            var candidates = [query.sequence]
            var i = window.count - 1
            while i >= windowStart {
                candidates.append(window[i].sequence)
                i -= 1
            }
            dump(candidates, features[0..<used])
        }
        return best == 0 ? query.sequence : window[window.count - best].sequence
    }

    struct QueryContext {
        var previous: Int
        var previousAntecedentUser: UInt64?
    }

    func authorFacts(_ user: UInt64, query: Entry) -> AuthorFacts {
        var facts = AuthorFacts(user: user)
        guard user != query.user else { return facts }
        facts.addressedByQuery = addressed[Pair(from: query.user, to: user)] != nil
        facts.addressedQuery = addressed[Pair(from: user, to: query.user)] != nil
        facts.linkedFromQuery = linked[Pair(from: query.user, to: user)] != nil
        facts.linkedToQuery = linked[Pair(from: user, to: query.user)] != nil
        return facts
    }

    func selfFeatures(_ q: Entry, state: UserState?, into f: UnsafeMutablePointer<Float>) {
        func set(_ feature: LinkFeature, _ on: Bool = true) { if on { f[feature.rawValue] = 1 } }
        set(.sBias)
        set(.sAddressed, q.addressee != nil)
        set(.sMentions, !q.mentions.isEmpty)
        if let previous = state?.lastMessage, let index = entryIndex(sequence: previous) {
            let dist = window.count - index
            set(.sPrevDist1, dist == 1)
            set(.sPrevDist2to5, dist >= 2 && dist <= 5)
            set(.sPrevDist6to20, dist >= 6 && dist <= 20)
            set(.sPrevDist21, dist > 20)
            let gap = (q.time - window[index].time) / 60
            set(.sPrevGap0, gap < 1)
            set(.sPrevGap1to2, gap >= 1 && gap < 3)
            set(.sPrevGap3to10, gap >= 3 && gap < 11)
            set(.sPrevGap11, gap >= 11)
            set(.sPrevWasLinkedToOther, state?.lastWasLinkedToOther ?? false)
        } else {
            set(.sNoPrevious)
        }
        set(.sQuestion, q.isQuestion)
        set(.sGreeting, q.isGreeting)
        if let join = state?.lastJoin, join > (state?.lastMessage ?? -1), q.sequence - join < 200 {
            set(.sJoinedRecently)
        }
        if let by = state?.lastAddressedBy, window.count > windowStart, by >= window[max(windowStart, window.count - 20)].sequence {
            set(.sAddressedByOtherRecently)
        }
        set(.sBot, q.isBot)
        set(.sShort, q.analysis.tokens.count < 4)
        set(.sLong, q.analysis.tokens.count > 15)
        set(.sAction, q.isAction)
        if let last = lastMessageTime { set(.sQuiet5, q.time - last >= 300) } else { set(.sQuiet5) }
        set(.sThanks, q.isThanks)
        set(.sFirstInWindow, window.count == windowStart)
    }

    /// `distance` is 1 for the newest message in the window, 2 for the one before, ….
    func pairFeatures(
        _ q: Entry, _ c: UnsafePointer<Entry>, distance dist: Int, author: AuthorFacts, context: QueryContext,
        into f: UnsafeMutablePointer<Float>
    ) {
        @inline(__always) func set(_ feature: LinkFeature, _ on: Bool = true) { if on { f[feature.rawValue] = 1 } }
        switch dist {
        case 1: set(.pDist1)
        case 2: set(.pDist2)
        case 3: set(.pDist3)
        case 4...5: set(.pDist4to5)
        case 6...10: set(.pDist6to10)
        case 11...20: set(.pDist11to20)
        default: set(.pDist21)
        }
        f[LinkFeature.pDistScaled.rawValue] = Float(min(dist, 50)) / 50
        let gap = (q.time - c.pointee.time) / 60
        if gap < 1 { set(.pGap0) } else if gap < 2 { set(.pGap1) } else if gap < 5 { set(.pGap2to4) } else if gap < 16 { set(.pGap5to15) } else { set(.pGap16) }

        let cUser = c.pointee.user
        let cSequence = c.pointee.sequence
        let sameUser = q.user == cUser
        let candLatest = !c.pointee.superseded
        let qAddressesC = q.addressee == cUser
        let cAddressesQ = c.pointee.addressee == q.user
        let cIsQuestion = c.pointee.isQuestion
        set(.pQueryAddressesCand, qAddressesC)
        set(.pQueryAddressesCandLatest, qAddressesC && candLatest)
        set(.pQueryMentionsCand, !qAddressesC && !sameUser && q.mentions.contains(cUser))
        set(.pCandAddressesQuery, cAddressesQ)
        set(.pCandAddressesQueryLatest, cAddressesQ && candLatest)
        set(.pCandMentionsQuery, !cAddressesQ && !sameUser && c.pointee.mentions.contains(q.user))
        set(.pQueryAddressesOther, q.addressee != nil && !qAddressesC)
        set(.pCandAddressesOther, c.pointee.addressee != nil && !cAddressesQ)
        set(.pSameUser, sameUser)
        let isQueryPrevious = sameUser && context.previous == cSequence
        set(.pSameUserPrevious, isQueryPrevious)
        set(.pSameUserPreviousUntargeted, isQueryPrevious && q.addressee == nil)
        set(.pSameUserPreviousQuestion, isQueryPrevious && cIsQuestion)
        set(.pCandLatestOfUser, !sameUser && candLatest)
        set(.pNoQueryUserBetween, !sameUser && context.previous < cSequence)
        set(.pCandQuestion, !sameUser && cIsQuestion)
        set(.pCandQuestionLatest, !sameUser && cIsQuestion && candLatest)
        set(.pQueryQuestion, q.isQuestion)
        set(.pCandBot, c.pointee.isBot)
        set(.pQueryBot, q.isBot)
        set(.pBotAnswersCommand, q.isBot && c.pointee.analysis.startsWithBang)
        if !sameUser {
            set(.pPairAddressedQC, author.addressedByQuery)
            set(.pPairAddressedCQ, author.addressedQuery)
            set(.pPairLinkedQC, author.linkedFromQuery)
            set(.pPairLinkedCQ, author.linkedToQuery)
            let replied = c.pointee.antecedentUser == q.user
            set(.pCandAntecedentIsQueryUser, replied)
            set(.pCandAntecedentIsQueryUserLatest, replied && candLatest)
            set(.pQueryPrevAntecedentIsCandUser, context.previousAntecedentUser == cUser)
        }
        let common = q.analysis.commonContentWords(with: c.pointee.analysis)
        if common == 0 { set(.pCommon0) } else if common == 1 { set(.pCommon1) } else { set(.pCommon2) }
        set(.pCommon5, common >= 5)
        let smaller = min(q.analysis.contentWords.count, c.pointee.analysis.contentWords.count)
        f[LinkFeature.pCommonFraction.rawValue] = smaller > 0 ? Float(common) / Float(smaller) : 0
        set(.pSameAddressee, q.addressee != nil && q.addressee == c.pointee.addressee)
        let started = c.pointee.antecedent == cSequence
        set(.pCandStarted, started)
        set(.pCandStartedQuestion, started && cIsQuestion)
        set(.pCandAction, c.pointee.isAction)
        set(.pCandThanks, c.pointee.isThanks)
        set(.pQueryThanks, q.isThanks && !sameUser)
        set(.pQueryThanksCandLatest, q.isThanks && !sameUser && candLatest)
        set(.pCandUserJoinedRecently, c.pointee.userJoinedRecently)
        set(.pCandGreeting, c.pointee.isGreeting)
        set(.pCandShort, c.pointee.analysis.tokens.count < 4)
    }
}
