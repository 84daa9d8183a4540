extension ICEAgent {
    /// Runs everything due at `now`: retransmissions and transaction timeouts, one paced check, the
    /// controlling agent's nomination, consent checks and consent expiry.
    public mutating func handleTimeout(now: MediaTime) {
        lastNow = max(lastNow, now)
        expireTransactions(now: now)
        for (id, transmit) in queuedGathers {
            let base = transmit.source
            start(transmit, id: id, purpose: .gather(base: base), rto: configuration.minimumRTO)
        }
        queuedGathers = []
        if hasCheckToSend, nextCheckTime.map({ $0 <= now }) ?? true {
            sendNextCheck(now: now)
        }
        nominateIfReady(now: now)
        refreshConsent(now: now)
        updateFailure()
    }

    // MARK: Transactions

    /// Sends the first request of a transaction and records it.
    mutating func start(
        _ transmit: ICETransmit, id: STUNTransactionID, purpose: ICETransaction.Purpose, rto: Duration
    ) {
        transmits.append(transmit)
        transactions[id] = ICETransaction(
            purpose: purpose, transmit: transmit, attempts: 1, rto: rto, deadline: lastNow + rto)
    }

    /// RFC 8489 section 6.2.1: retransmit after RTO, 2*RTO, 4*RTO ...; after the last of Rc requests wait
    /// Rm = 16 RTO, then the transaction failed.
    mutating func expireTransactions(now: MediaTime) {
        for (id, transaction) in transactions where transaction.deadline <= now {
            var transaction = transaction
            if transaction.isCancelled {
                transactions[id] = nil
                continue
            }
            let maxAttempts: Int
            if case .consent = transaction.purpose {
                maxAttempts = 1  // consent sends a fresh request every interval instead (RFC 7675 section 5.1)
            } else {
                maxAttempts = max(1, configuration.maxAttempts)
            }
            if transaction.attempts < maxAttempts {
                transmits.append(transaction.transmit)
                transaction.attempts += 1
                let wait =
                    transaction.attempts < maxAttempts
                    ? transaction.rto * (1 << (transaction.attempts - 1)) : transaction.rto * 16
                transaction.deadline = now + wait
                transactions[id] = transaction
                continue
            }
            transactions[id] = nil
            switch transaction.purpose {
            case .check(let pairID, _, _, _):
                // RFC 8445 section 7.2.5.2: no response means the pair failed.
                if let index = pairIndex(id: pairID), pairs[index].state == .inProgress {
                    pairs[index].state = .failed
                }
                if nominatingPairID == pairID { nominatingPairID = nil }
            case .consent:
                break
            case .gather:
                finishGather()
            }
        }
    }

    mutating func finishGather() {
        pendingGathers -= 1
        if pendingGathers == 0 { events.append(.gatheringComplete) }
    }

    // MARK: Checks

    /// Sends one check: the head of the triggered queue, else the highest-priority Waiting pair, else the
    /// highest-priority Frozen pair is unfrozen and checked (RFC 8445 section 6.1.4.2).
    mutating func sendNextCheck(now: MediaTime) {
        var chosen: Int?
        while chosen == nil, !triggeredQueue.isEmpty {
            let id = triggeredQueue.removeFirst()
            if let index = pairIndex(id: id), pairs[index].state == .waiting || pairs[index].sendUseCandidate {
                chosen = index
            }
        }
        if chosen == nil { chosen = pairs.firstIndex { $0.state == .waiting } }
        if chosen == nil { chosen = pairs.firstIndex { $0.state == .frozen } }
        guard let index = chosen, let remoteCredentials else { return }
        nextCheckTime = now + configuration.pacingInterval
        sendCheck(pairIndex: index, remoteCredentials: remoteCredentials)
    }

    /// A Binding request per RFC 8445 section 7.2.2: USERNAME remote:local, PRIORITY of a would-be
    /// peer-reflexive candidate (section 7.1.1), the role attribute with the tie-breaker, USE-CANDIDATE when
    /// nominating, MESSAGE-INTEGRITY with the remote password, FINGERPRINT.
    mutating func sendCheck(pairIndex index: Int, remoteCredentials: ICECredentials) {
        let pair = pairs[index]
        let id = STUNTransactionID.random(using: &random)
        let priority = ICECandidate.Kind.peerReflexive.typePreference << 24 | (pair.local.priority & 0x00FF_FFFF)
        let useCandidate = role == .controlling && pair.sendUseCandidate
        var attributes: [STUNAttribute] = [
            .username("\(remoteCredentials.ufrag):\(localCredentials.ufrag)"), .priority(priority),
            role == .controlling ? .iceControlling(tieBreaker) : .iceControlled(tieBreaker),
        ]
        if useCandidate { attributes.append(.useCandidate) }
        let request = STUNMessage(type: .bindingRequest, transactionID: id, attributes: attributes)
        guard
            let bytes = try? request.encoded(
                integrity: .shortTerm(password: remoteCredentials.password), fingerprint: true)
        else {
            pairs[index].state = .failed
            return
        }
        cancelChecks(pairID: pair.id)
        let rto = checkRTO
        pairs[index].state = .inProgress
        start(
            ICETransmit(source: pair.local.base, destination: pair.remote.address, datagram: bytes), id: id,
            purpose: .check(pairID: pair.id, useCandidate: useCandidate, role: role, priority: priority), rto: rto)
    }

    /// Puts a pair on the triggered queue once, in the Waiting state; a check in progress is cancelled
    /// (RFC 8445 section 7.3.1.4).
    mutating func trigger(pairIndex index: Int) {
        cancelChecks(pairID: pairs[index].id)
        pairs[index].state = .waiting
        if !triggeredQueue.contains(pairs[index].id) { triggeredQueue.append(pairs[index].id) }
    }

    /// Stops retransmitting the outstanding checks of a pair and keeps waiting for their responses until
    /// the transaction would have ended (RFC 8445 section 7.3.1.4).
    mutating func cancelChecks(pairID: Int) {
        for (id, transaction) in transactions where !transaction.isCancelled {
            guard case .check(let checkedPair, _, _, _) = transaction.purpose, checkedPair == pairID else { continue }
            transactions[id]?.isCancelled = true
            transactions[id]?.deadline = transaction.deadline + transaction.rto * 16
        }
    }

    /// Regular nomination (RFC 8445 section 8.1.1): once no pair of higher priority than the best valid
    /// pair is still pending, or the nomination delay after the first valid pair ran out, the controlling
    /// agent repeats the check of the pair that produced the best valid pair with USE-CANDIDATE.
    mutating func nominateIfReady(now: MediaTime) {
        guard role == .controlling, !configuration.lite, nominatingPairID == nil, selectedPair == nil || isRestarting,
            remoteCredentials != nil
        else { return }
        let role = self.role
        guard
            let best = pairs.filter({ $0.isValid && !$0.isNominated })
                .max(by: { $0.priority(role: role) < $1.priority(role: role) })
        else { return }
        let bestPriority = best.priority(role: role)
        let pendingBetter = pairs.contains {
            ($0.state == .frozen || $0.state == .waiting || $0.state == .inProgress)
                && $0.priority(role: role) > bestPriority
        }
        let timerExpired = firstValidTime.map { now >= $0 + configuration.nominationDelay } ?? false
        guard !pendingBetter || timerExpired else { return }
        let checkedIndex =
            pairs.firstIndex { $0.validPairID == best.id && $0.state == .succeeded && $0.id == best.id }
            ?? pairs.firstIndex { $0.validPairID == best.id && $0.state == .succeeded }
        guard let checkedIndex else { return }
        pairs[checkedIndex].sendUseCandidate = true
        nominatingPairID = pairs[checkedIndex].id
        triggeredQueue.removeAll { $0 == pairs[checkedIndex].id }
        triggeredQueue.insert(pairs[checkedIndex].id, at: 0)
    }

    // MARK: Consent

    /// RFC 7675 section 5.1: a Binding request on the selected pair every randomized interval; consent
    /// expires after the timeout without any authenticated response.
    mutating func refreshConsent(now: MediaTime) {
        guard let pair = selectedPair, !isRestarting, let lastConsent, let next = nextConsentCheck,
            let remoteCredentials
        else { return }
        if now >= lastConsent + configuration.consentTimeout {
            self.lastConsent = nil
            nextConsentCheck = nil
            events.append(.consentLost)
            setState(.disconnected)
            return
        }
        guard now >= next else { return }
        nextConsentCheck = now + consentJitter()
        let id = STUNTransactionID.random(using: &random)
        let request = STUNMessage(
            type: .bindingRequest, transactionID: id,
            attributes: [
                .username("\(remoteCredentials.ufrag):\(localCredentials.ufrag)"),
                .priority(pair.local.priority),
                role == .controlling ? .iceControlling(tieBreaker) : .iceControlled(tieBreaker),
            ])
        guard
            let bytes = try? request.encoded(
                integrity: .shortTerm(password: remoteCredentials.password), fingerprint: true)
        else { return }
        start(
            ICETransmit(source: pair.local.base, destination: pair.remote.address, datagram: bytes), id: id,
            purpose: .consent, rto: configuration.consentInterval)
    }
}
