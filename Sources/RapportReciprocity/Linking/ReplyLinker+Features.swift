extension ReplyLinker {
    /// Receives the candidates' sequence numbers (self first) and their dense feature rows,
    /// `LinkFeature.count` floats each (training dumps).
    typealias FeatureDump = (_ candidates: [Int], _ features: ArraySlice<Float>) -> Void

    /// How many candidates the linear part passes on to the hidden layer.
    static let shortlistSize = 4

    /// What the pair features need to know about the query beyond its entry, computed once per
    /// query.
    struct QueryContext {
        /// The sequence number of the query author's previous message, or -1.
        var previous: Int
        var previousAntecedentUser: UInt64?
        /// The pair features that depend on the query alone.
        var queryBits: SideBits
        /// The query's content words (sorted), for counting common words.
        var contentWords: UnsafeBufferPointer<UInt64>
        /// The bloom bits of every user a candidate's author must be for a pair feature about
        /// the two authors to hold: the query's author, whom the query names, whom the author's
        /// previous message answered, whom they talked with (``pairFacts(query:window:into:)``).
        var relatedUsers: UInt64
        /// ``TextAnalysis/bloomBit(_:)`` of the query's author.
        var userBit: UInt64
    }

    /// The bloom bits of `users`, and of `a`, `b`, `c` that are not nil (not variadic: that
    /// would allocate an array for every call).
    static func bloom(_ users: [UInt64], _ a: UInt64?, _ b: UInt64?, _ c: UInt64? = nil) -> UInt64 {
        let bit = { (user: UInt64?) in user.map(TextAnalysis.bloomBit) ?? 0 }
        return users.reduce(bit(a) | bit(b) | bit(c)) { $0 | TextAnalysis.bloomBit($1) }
    }

    /// Scores the self candidate and every message in the window; returns the window index of the
    /// best message, or nil when the self candidate is best. `qState` is what the linker knew of
    /// the query's author before the query, `previous` the window index of their last message.
    mutating func rank(_ query: Entry, state qState: UserState?, previous: Int?, dump: FeatureDump?) -> Int? {
        var scratch = Scratch()
        swap(&scratch, &self.scratch)
        defer { swap(&scratch, &self.scratch) }
        scratch.shortlist.removeAll()
        let selfRow = selfFeatures(query, state: qState, previous: previous)
        var best = 0
        var bestScore = model.score(selfRow)
        let linear = model.isLinear
        forEachPair(query, state: qState, facts: &scratch.facts) { row, features in
            let score = model.linearScore(features)
            if linear {
                if score > bestScore {
                    bestScore = score
                    best = row
                }
            } else if let entry = scratch.shortlist.offer(row: row, score: score) {
                scratch.shortlisted[entry] = features
            }
        }
        for (entry, (row, partial)) in scratch.shortlist.entries.enumerated() {
            let score = partial + model.hiddenScore(scratch.shortlisted[entry])
            if score > bestScore {
                bestScore = score
                best = row
            }
        }
        if let dump {
            var rows = [selfRow]
            forEachPair(query, state: qState, facts: &scratch.facts) { _, features in rows.append(features) }
            self.dump(query, rows: rows, to: dump)
        }
        return best == 0 ? nil : window.count - best
    }

    /// Hands `body` each window message's distance (1 for the newest) and pair features, newest
    /// first.
    @inline(__always)
    func forEachPair(
        _ query: Entry, state qState: UserState?, facts: inout [(user: UInt64, bits: UInt64)],
        _ body: (_ distance: Int, _ features: FeatureRow) -> Void
    ) {
        query.contentWords.withUnsafeBufferPointer { contentWords in
            window.withUnsafeBufferPointer { w in
                pairFacts(query: query, window: w, into: &facts)
                let context = QueryContext(
                    previous: qState?.lastMessage ?? -1, previousAntecedentUser: qState?.lastAntecedentUser,
                    queryBits: queryBits(query), contentWords: contentWords,
                    relatedUsers: Self.bloom(query.mentions, query.user, query.addressee, qState?.lastAntecedentUser)
                        | facts.reduce(0) { $0 | TextAnalysis.bloomBit($1.user) },
                    userBit: query.userBit)
                FeatureRow.pairRows.withUnsafeBufferPointer { pairRows in
                    var i = w.count - 1
                    var distance = 1
                    while i >= windowStart {
                        let rows = pairRows.baseAddress! + 1 + (min(distance, FeatureRow.maxDistance) &- 1) &* FeatureRow.gapBuckets
                        body(distance, pairFeatures(query, w.baseAddress! + i, rows: rows, facts: facts, context: context))
                        distance &+= 1
                        i &-= 1
                    }
                }
            }
        }
    }

    /// Hands `dump` the candidates and their dense rows.
    func dump(_ query: Entry, rows: [FeatureRow], to dump: FeatureDump) {
        var candidates = [query.sequence]
        var i = window.count - 1
        while i >= windowStart {
            candidates.append(window[i].sequence)
            i -= 1
        }
        var features = [Float](repeating: 0, count: rows.count * LinkFeature.count)
        features.withUnsafeMutableBufferPointer { f in
            for (k, row) in rows.enumerated() { row.write(into: f.baseAddress! + k * LinkFeature.count) }
        }
        dump(candidates, features[...])
    }

    /// Who talked to whom recently: one pass over the window collects, for each other author,
    /// the pair features saying that they and the query's author addressed or answered each other
    /// (only authors with at least one; usually none).
    func pairFacts(query: Entry, window w: UnsafeBufferPointer<Entry>, into facts: inout [(user: UInt64, bits: UInt64)]) {
        facts.removeAll(keepingCapacity: true)
        var i = w.count - 1
        let base = w.baseAddress!
        while i >= windowStart {
            // Field by field through the pointer: copying an Entry would retain all its arrays.
            let e = base + i
            let user = e.pointee.user
            if user == query.user {
                e.pointee.mentions.withUnsafeBufferPointer { for m in $0 { Self.mark(m, .pPairAddressedQC, in: &facts) } }
                if let to = e.pointee.antecedentUser, to != query.user { Self.mark(to, .pPairLinkedQC, in: &facts) }
            } else if e.pointee.targetBits & query.userBit != 0 {
                if e.pointee.mentions.withUnsafeBufferPointer({ $0.contains(query.user) }) { Self.mark(user, .pPairAddressedCQ, in: &facts) }
                if e.pointee.antecedentUser == query.user { Self.mark(user, .pPairLinkedCQ, in: &facts) }
            }
            i &-= 1
        }
    }

    @inline(__always)
    static func mark(_ user: UInt64, _ feature: LinkFeature, in facts: inout [(user: UInt64, bits: UInt64)]) {
        if let i = facts.firstIndex(where: { $0.user == user }) {
            facts[i].bits |= FeatureRow.bit(feature)
        } else {
            facts.append((user, FeatureRow.bit(feature)))
        }
    }

    func selfFeatures(_ q: Entry, state: UserState?, previous: Int?) -> FeatureRow {
        var f = FeatureRow.selfCandidate()
        f.set(.sBias)
        f.set(.sAddressed, q.addressee != nil)
        f.set(.sMentions, !q.mentions.isEmpty)
        if let index = previous {
            let dist = window.count - index
            f.set(.sPrevDist1, dist == 1)
            f.set(.sPrevDist2to5, dist >= 2 && dist <= 5)
            f.set(.sPrevDist6to20, dist >= 6 && dist <= 20)
            f.set(.sPrevDist21, dist > 20)
            let gap = (q.time - window[index].time) / 60
            f.set(.sPrevGap0, gap < 1)
            f.set(.sPrevGap1to2, gap >= 1 && gap < 3)
            f.set(.sPrevGap3to10, gap >= 3 && gap < 11)
            f.set(.sPrevGap11, gap >= 11)
            f.set(.sPrevWasLinkedToOther, state?.lastWasLinkedToOther ?? false)
        } else {
            f.set(.sNoPrevious)
        }
        f.set(.sQuestion, q.isQuestion)
        f.set(.sGreeting, q.isGreeting)
        if let join = state?.lastJoin, join > (state?.lastMessage ?? -1), q.sequence - join < 200 {
            f.set(.sJoinedRecently)
        }
        if let by = state?.lastAddressedBy, window.count > windowStart, by >= window[max(windowStart, window.count - 20)].sequence {
            f.set(.sAddressedByOtherRecently)
        }
        f.set(.sBot, q.isBot)
        f.set(.sShort, q.tokenCount < 4)
        f.set(.sLong, q.tokenCount > 15)
        f.set(.sAction, q.isAction)
        if let last = lastMessageTime { f.set(.sQuiet5, q.time - last >= 300) } else { f.set(.sQuiet5) }
        f.set(.sThanks, q.isThanks)
        f.set(.sFirstInWindow, window.count == windowStart)
        return f
    }

    /// The pair features one side of a pair (the query or the candidate) decides alone, as bits
    /// of a pair row, for two authors who never addressed or answered each other; the few pairs
    /// whose authors did are adjusted in ``pairFeatures(_:_:distance:facts:context:)``.
    struct SideBits: Sendable {
        /// Set for every pair.
        var always: UInt64 = 0
        /// Set when the two authors differ.
        var otherAuthor: UInt64 = 0
        /// Set when the two authors differ and the candidate is its author's latest message.
        var otherAuthorLatest: UInt64 = 0
        /// Set when both sides have it (a bot answering a `!command`).
        var both: UInt64 = 0
    }

    /// The candidate's side: computed once, when it is linked.
    func candidateBits(_ c: Entry) -> SideBits {
        var f = FeatureRow.pair()
        let started = c.antecedent == c.sequence
        f.set(.pCandBot, c.isBot)
        f.set(.pCandStarted, started)
        f.set(.pCandStartedQuestion, started && c.isQuestion)
        f.set(.pCandAction, c.isAction)
        f.set(.pCandThanks, c.isThanks)
        f.set(.pCandUserJoinedRecently, c.userJoinedRecently)
        f.set(.pCandGreeting, c.isGreeting)
        f.set(.pCandShort, c.tokenCount < 4)
        f.set(.pCandAddressesOther, c.addressee != nil)
        var other = FeatureRow.pair()
        other.set(.pCandQuestion, c.isQuestion)
        var latest = FeatureRow.pair()
        latest.set(.pCandLatestOfUser)
        latest.set(.pCandQuestionLatest, c.isQuestion)
        var both = FeatureRow.pair()
        both.set(.pBotAnswersCommand, c.startsWithBang)
        return SideBits(always: f.bits, otherAuthor: other.bits, otherAuthorLatest: latest.bits, both: both.bits)
    }

    /// The query's side.
    func queryBits(_ q: Entry) -> SideBits {
        var f = FeatureRow.pair()
        f.set(.pQueryQuestion, q.isQuestion)
        f.set(.pQueryBot, q.isBot)
        f.set(.pQueryAddressesOther, q.addressee != nil)
        var other = FeatureRow.pair()
        other.set(.pQueryThanks, q.isThanks)
        var latest = FeatureRow.pair()
        latest.set(.pQueryThanksCandLatest, q.isThanks)
        var both = FeatureRow.pair()
        both.set(.pBotAnswersCommand, q.isBot)
        return SideBits(always: f.bits, otherAuthor: other.bits, otherAuthorLatest: latest.bits, both: both.bits)
    }

    /// The features of the pair (query, candidate); `rows` are the ``FeatureRow/pairRows`` of the
    /// candidate's distance, one per gap bucket.
    @inline(__always)
    func pairFeatures(
        _ q: Entry, _ c: UnsafePointer<Entry>, rows: UnsafePointer<FeatureRow>, facts: [(user: UInt64, bits: UInt64)],
        context: QueryContext
    ) -> FeatureRow {
        // In seconds: no division per candidate.
        let seconds = q.time - c.pointee.time
        let gap = seconds < 60 ? 0 : seconds < 120 ? 1 : seconds < 300 ? 2 : seconds < 960 ? 3 : 4
        var f = rows[gap]
        let query = context.queryBits
        let candidate = c.pointee.candidateBits
        f.bits |= query.always | candidate.always | (query.both & candidate.both)

        let cUser = c.pointee.user
        let cSequence = c.pointee.sequence
        let sameUser = q.user == cUser
        let candLatest = !c.pointee.superseded
        if !sameUser {
            f.bits |= query.otherAuthor | candidate.otherAuthor
            if candLatest { f.bits |= query.otherAuthorLatest | candidate.otherAuthorLatest }
            f.set(.pNoQueryUserBetween, context.previous < cSequence)
        }
        // Usually false: then none of the features below, which relate the two authors, holds.
        if context.relatedUsers & c.pointee.userBit != 0 || c.pointee.targetBits & context.userBit != 0 {
            if q.addressee == cUser {
                f.bits &= ~FeatureRow.bit(.pQueryAddressesOther)
                f.set(.pQueryAddressesCand)
                f.set(.pQueryAddressesCandLatest, candLatest)
            } else {
                f.set(.pQueryMentionsCand, !sameUser && q.mentions.contains(cUser))
            }
            if c.pointee.addressee == q.user {
                f.bits &= ~FeatureRow.bit(.pCandAddressesOther)
                f.set(.pCandAddressesQuery)
                f.set(.pCandAddressesQueryLatest, candLatest)
            } else {
                f.set(.pCandMentionsQuery, !sameUser && c.pointee.mentions.contains(q.user))
            }
            if sameUser {
                f.set(.pSameUser)
                if context.previous == cSequence {
                    f.set(.pSameUserPrevious)
                    f.set(.pSameUserPreviousUntargeted, q.addressee == nil)
                    f.set(.pSameUserPreviousQuestion, c.pointee.isQuestion)
                }
            } else {
                for fact in facts where fact.user == cUser { f.bits |= fact.bits }
                let replied = c.pointee.antecedentUser == q.user
                f.set(.pCandAntecedentIsQueryUser, replied)
                f.set(.pCandAntecedentIsQueryUserLatest, replied && candLatest)
                f.set(.pQueryPrevAntecedentIsCandUser, context.previousAntecedentUser == cUser)
            }
        }
        var common = 0
        if q.contentSignature & c.pointee.contentSignature != 0 {
            common = c.pointee.contentWords.withUnsafeBufferPointer { TextAnalysis.commonCount(context.contentWords, $0) }
        }
        if common == 0 { f.set(.pCommon0) } else if common == 1 { f.set(.pCommon1) } else { f.set(.pCommon2) }
        f.set(.pCommon5, common >= 5)
        if common > 0 {
            // common > 0 means both have content words, so `smaller` > 0.
            let smaller = min(context.contentWords.count, c.pointee.contentWords.count)
            f.set(.pCommonFraction)
            f.commonFraction = Float(common) / Float(smaller)
        }
        f.set(.pSameAddressee, q.addressee != nil && q.addressee == c.pointee.addressee)
        return f
    }
}
