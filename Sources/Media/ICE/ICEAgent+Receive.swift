extension ICEAgent {
    /// Feeds a datagram received on the local socket `local` from `source`. Returns false when it is not a
    /// STUN message (the caller demultiplexes it as DTLS/RTP, RFC 7983); malformed STUN and messages with
    /// wrong credentials are consumed without any state change.
    @discardableResult
    public mutating func handleReceive(
        _ datagram: [UInt8], from source: TransportAddress, to local: TransportAddress, now: MediaTime
    ) -> Bool {
        guard STUNMessage.isSTUN(datagram) else { return false }
        lastNow = max(lastNow, now)
        guard let decoded = try? STUNDecodedMessage(decoding: datagram),
            decoded.message.type.method == .binding
        else { return true }
        switch decoded.message.type.messageClass {
        case .request:
            handleRequest(decoded, from: source, to: local, now: now)
        case .successResponse, .errorResponse:
            handleResponse(decoded, from: source, to: local, now: now)
        case .indication:
            break  // keepalives (RFC 8445 section 11) need no answer
        }
        nominateIfReady(now: now)
        updateFailure()
        return true
    }

    // MARK: Requests (RFC 8445 section 7.3)

    mutating func handleRequest(
        _ decoded: STUNDecodedMessage, from source: TransportAddress, to local: TransportAddress, now: MediaTime
    ) {
        let message = decoded.message
        // RFC 8445 section 7.3: checks carry FINGERPRINT; anything else is not for ICE.
        guard decoded.hasFingerprint else { return }
        guard let hostIndex = localCandidates.firstIndex(where: { $0.kind == .host && $0.base == local }) else {
            return
        }
        // RFC 8489 section 9.1.3: missing credentials are a 400, wrong ones a 401, and neither changes state.
        guard let username = message.username, decoded.hasIntegrity else {
            respond(message.errorResponse(.badRequest), from: local, to: source, integrity: false)
            return
        }
        let parts = username.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0] == localCredentials.ufrag,
            (try? decoded.verifyIntegrity(password: localCredentials.password)) != nil
        else {
            respond(message.errorResponse(.unauthorized), from: local, to: source, integrity: false)
            return
        }
        if let unknown = message.unknownAttributeResponse() {
            respond(unknown, from: local, to: source, integrity: true)
            return
        }
        // RFC 8445 section 7.3.1.1: role conflicts, decided by the tie-breakers.
        if !configuration.lite {
            if role == .controlling, let theirs = message.iceControlling {
                if tieBreaker >= theirs {
                    respond(message.errorResponse(.roleConflict), from: local, to: source, integrity: true)
                    return
                }
                switchRole(to: .controlled, announce: true)
            } else if role == .controlled, let theirs = message.iceControlled {
                if tieBreaker >= theirs {
                    switchRole(to: .controlling, announce: true)
                } else {
                    respond(message.errorResponse(.roleConflict), from: local, to: source, integrity: true)
                    return
                }
            }
        }
        // RFC 8445 section 7.3.1.2: success response with the source in XOR-MAPPED-ADDRESS.
        respond(
            message.successResponse(attributes: [.xorMappedAddress(source)]), from: local, to: source, integrity: true)

        // RFC 8445 section 7.3.1.3: an unknown source is a peer-reflexive remote candidate.
        let remote: ICECandidate
        if let known = remoteCandidates.first(where: { $0.address == source }) {
            remote = known
        } else {
            nextPeerReflexiveFoundation += 1
            remote = ICECandidate(
                kind: .peerReflexive, address: source, priority: message.priority ?? 0,
                foundation: "prflx\(nextPeerReflexiveFoundation)")
            remoteCandidates.append(remote)
        }
        var index = pairs.firstIndex { $0.local.base == local && $0.remote.address == source }
        if index == nil {
            addPair(local: localCandidates[hostIndex], remote: remote)
            index = pairs.firstIndex { $0.local.base == local && $0.remote.address == source }
        }
        guard let index else { return }

        if configuration.lite {
            // RFC 8445 section 7.3.1.5 for lite agents: USE-CANDIDATE makes the pair valid and nominated.
            if message.useCandidate {
                pairs[index].state = .succeeded
                pairs[index].isValid = true
                pairs[index].isNominated = true
                pairs[index].validPairID = pairs[index].id
                updateSelection(now: now)
            }
            return
        }
        if connectionState == .new, remoteCredentials != nil { setState(.checking) }
        // RFC 8445 section 7.3.1.4: a triggered check unless the pair already succeeded; one in progress is
        // cancelled and checked anew.
        let isRetransmission = pairs[index].lastRequestID == message.transactionID
        pairs[index].lastRequestID = message.transactionID
        if pairs[index].state != .succeeded, !isRetransmission {
            trigger(pairIndex: index)
        }
        // RFC 8445 section 7.3.1.5: the controlled agent accepts any nomination (regular or aggressive).
        if message.useCandidate, role == .controlled {
            if pairs[index].state == .succeeded, let validID = pairs[index].validPairID,
                let validIndex = pairIndex(id: validID)
            {
                pairs[validIndex].isNominated = true
                updateSelection(now: now)
            } else {
                pairs[index].nominateOnSuccess = true
            }
        }
    }

    mutating func respond(
        _ message: STUNMessage, from local: TransportAddress, to destination: TransportAddress, integrity: Bool
    ) {
        let key: STUNIntegrity? = integrity ? .shortTerm(password: localCredentials.password) : nil
        guard let bytes = try? message.encoded(integrity: key, fingerprint: true) else { return }
        transmits.append(ICETransmit(source: local, destination: destination, datagram: bytes))
    }

    // MARK: Responses (RFC 8445 section 7.2.5)

    mutating func handleResponse(
        _ decoded: STUNDecodedMessage, from source: TransportAddress, to local: TransportAddress, now: MediaTime
    ) {
        let message = decoded.message
        guard let transaction = transactions[message.transactionID] else { return }
        switch transaction.purpose {
        case .gather(let base):
            guard source == transaction.transmit.destination, local == base else { return }
            transactions[message.transactionID] = nil
            if message.type.messageClass == .successResponse,
                let mapped = message.xorMappedAddress ?? message.mappedAddress, mapped != base,
                let host = localCandidates.first(where: { $0.kind == .host && $0.base == base })
            {
                addLocalCandidate(
                    ICECandidate(
                        kind: .serverReflexive, address: mapped, base: base,
                        priority: ICECandidate.Kind.serverReflexive.typePreference << 24
                            | (host.priority & 0x00FF_FFFF),
                        foundation: ICECandidate.foundation(kind: .serverReflexive, base: base, server: source)))
            }
            finishGather()
        case .consent:
            guard let remoteCredentials, (try? decoded.verifyIntegrity(password: remoteCredentials.password)) != nil
            else { return }
            transactions[message.transactionID] = nil
            if message.type.messageClass == .successResponse, let pair = selectedPair,
                source == pair.remote.address, local == pair.local.base
            {
                lastConsent = now
            }
        case .check(let pairID, let useCandidate, let sentRole, let priority):
            guard let remoteCredentials, (try? decoded.verifyIntegrity(password: remoteCredentials.password)) != nil
            else { return }
            transactions[message.transactionID] = nil
            guard let index = pairIndex(id: pairID) else { return }
            if message.type.messageClass == .errorResponse {
                if message.errorCode?.code == 487 {
                    // RFC 8445 section 7.2.5.1: take the role opposite to the one sent and retry the pair.
                    if role == sentRole { switchRole(to: sentRole.opposite, announce: true) }
                    pairs[index].state = .waiting
                    trigger(pairIndex: index)
                } else {
                    pairs[index].state = .failed
                    if nominatingPairID == pairID { nominatingPairID = nil }
                }
                return
            }
            // RFC 8445 section 7.2.5.2.1: the response must come back on the exact reverse path.
            guard source == pairs[index].remote.address, local == pairs[index].local.base,
                let mapped = message.xorMappedAddress
            else {
                pairs[index].state = .failed
                return
            }
            handleCheckSuccess(
                pairIndex: index, mapped: mapped, priority: priority, useCandidate: useCandidate, now: now)
        }
    }

    /// RFC 8445 section 7.2.5.3: build the valid pair (learning a peer-reflexive local candidate when the
    /// mapped address is new), mark the pair succeeded, unfreeze its foundation and handle nomination.
    mutating func handleCheckSuccess(
        pairIndex index: Int, mapped: TransportAddress, priority: UInt32, useCandidate: Bool, now: MediaTime
    ) {
        let pair = pairs[index]
        pairs[index].state = .succeeded
        if let lastConsent, let selectedPair, selectedPair.remote.address == pair.remote.address,
            selectedPair.local.base == pair.local.base, lastConsent < now
        {
            self.lastConsent = now
        }
        var validIndex = index
        if mapped != pair.local.address {
            let local: ICECandidate
            if let known = localCandidates.first(where: { $0.address == mapped && $0.base == pair.local.base }) {
                local = known
            } else {
                // RFC 8445 section 7.2.5.3.1: a peer-reflexive local candidate, not signaled.
                local = ICECandidate(
                    kind: .peerReflexive, address: mapped, base: pair.local.base, priority: priority,
                    foundation: ICECandidate.foundation(kind: .peerReflexive, base: pair.local.base))
                localCandidates.append(local)
            }
            if let existing = pairs.firstIndex(where: {
                $0.local.address == mapped && $0.local.base == pair.local.base
                    && $0.remote.address == pair.remote.address
            }) {
                validIndex = existing
            } else {
                var valid = ICECandidatePair(id: nextPairID, local: local, remote: pair.remote, state: .succeeded)
                nextPairID += 1
                valid.validPairID = valid.id
                pairs.append(valid)
                sortPairs()
                validIndex = pairs.count - 1
                validIndex = pairIndex(id: valid.id) ?? validIndex
            }
        }
        let checkedIndex = pairIndex(id: pair.id) ?? index
        pairs[checkedIndex].validPairID = pairs[validIndex].id
        pairs[validIndex].isValid = true
        if firstValidTime == nil { firstValidTime = now }
        // RFC 8445 section 7.2.5.3.3: unfreeze the pairs of the same foundation.
        let foundation = pair.foundation
        for other in pairs.indices where pairs[other].state == .frozen && pairs[other].foundation == foundation {
            pairs[other].state = .waiting
        }
        // RFC 8445 sections 7.2.5.3.4 and 7.3.1.5: nomination completes.
        if useCandidate, role == .controlling {
            pairs[validIndex].isNominated = true
            pairs[checkedIndex].sendUseCandidate = false
            if nominatingPairID == pair.id { nominatingPairID = nil }
            updateSelection(now: now)
        } else if pairs[checkedIndex].nominateOnSuccess, role == .controlled {
            pairs[validIndex].isNominated = true
            updateSelection(now: now)
        }
    }
}
