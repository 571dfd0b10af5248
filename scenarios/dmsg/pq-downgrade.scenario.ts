/**
 * dmsg/pq-downgrade: an active man in the middle strips the ML-KEM share.
 *
 * Source: shared/incidents/003_5b6edf88c5ea4344.txt (3153, the audit's HIGH
 * finding, and 3159). The hybrid negotiation is unauthenticated, so an
 * active attacker can strip the ML-KEM material and force both ends down to
 * classical, undetectably, defeating harvest-now-decrypt-later protection.
 *
 * Threat model: the attacker controls the dmsg server both sessions cross
 * (or a link to it) for a while: it can read, drop and rewrite the
 * unauthenticated negotiation fields in both directions. It cannot break
 * X25519 today or forge the peers' static keys, so the classical handshake
 * completes; its goal is a classical-only session it can record now and
 * decrypt later. Out of scope: attackers holding a peer's private key.
 *
 * alice (PQ-capable) opens sessions every 10 s to bob (PQ-capable) and to
 * carol (classical-only). Variants are alice's policy: `buggy` silent,
 * `warned` observable, `fixed` REQUIRE_PQ. Invariants: no handshake between
 * two PQ-capable peers completes classical-only without a warning event;
 * with REQUIRE_PQ none completes classical-only at all; with REQUIRE_PQ a
 * classical-only peer gets an explicit failure, never a hang.
 */
import { HANDSHAKE_TIMEOUT_MS, handshakePath, pqInitiator, pqResponder, type HandshakeFlags } from '../../models/dmsg/pq-handshake.ts';
import { always, defineScenario, sometimes, violated, windowFault } from 'chaos-testbed';

/** Who is PQ-capable: the invariant's ground truth (alice cannot know it). */
const PQ_CAPABLE: Readonly<Record<string, boolean>> = { bob: true, carol: false };

export default defineScenario({
  id: 'dmsg/pq-downgrade',
  title: 'A man in the middle silently downgrades dmsg sessions to classical crypto',
  description: 'The hybrid negotiation is unauthenticated; an attacker on the path strips the ML-KEM share and both PQ-capable ends settle for classical without a word.',
  source: { incident: '003_5b6edf88c5ea4344.txt', figures: ['3153: make silent PQ downgrades observable (HIGH)', '3159: REQUIRE_PQ'] },
  variants: { buggy: { pqPolicy: 'silent' }, fixed: { pqPolicy: 'require' }, warned: { pqPolicy: 'warn' } } satisfies Record<string, HandshakeFlags>,
  durationMs: 90_000,
  faultSpace: {
    windowMs: [0, 60_000],
    maxFaults: 3,
    kinds: { delay: { links: [['relay', 'bob'], ['relay', 'carol']], extraMs: [100, 2_000], durationMs: [1_000, 20_000] } },
    custom: { 'mitm-strip': { fields: { durationMs: [1_000, 30_000] } } },
  },
  build(sim, flags) {
    sim.node('bob', pqResponder, (io) => ({ io, pqCapable: PQ_CAPABLE.bob! }));
    sim.node('carol', pqResponder, (io) => ({ io, pqCapable: PQ_CAPABLE.carol! }));
    const relay = sim.node('relay', handshakePath, (io) => ({ io }));
    const alice = sim.node('alice', pqInitiator, (io) => ({ io, path: 'relay', peers: ['bob', 'carol'], pqPolicy: flags.pqPolicy }));
    return { relay, alice, policy: flags.pqPolicy };
  },
  customFaults: {
    'mitm-strip': windowFault('An active attacker on the relay strips the ML-KEM fields from handshakes in both directions for durationMs.', 'relay', { type: 'mitm', on: true }, { type: 'mitm', on: false }),
  },
  invariants: ({ alice, policy }) => {
    const handshakes = () => alice.snapshot()?.context.handshakes ?? [];
    return [
      sometimes('downgrade-attempted', 'A handshake that came back without the ML-KEM share from a PQ-capable peer is the attack; a search that never mounts it is blind.', () =>
        handshakes().some((h) => PQ_CAPABLE[h.peer] === true && h.result !== 'hybrid'),
      ),
      always('no-silent-downgrade', 'A classical-only session between two PQ-capable peers, unseen, is recorded now and decrypted later.', () => {
        const silent = handshakes().find((h) => PQ_CAPABLE[h.peer] === true && h.result === 'classical' && !h.warned);
        if (silent === undefined) return true;
        return violated(`alice's session with ${silent.peer} (PQ-capable) completed classical-only at t=${silent.atMs} ms with no warning`, { peer: silent.peer, atMs: silent.atMs });
      }),
      always('require-pq-means-no-classical', 'With REQUIRE_PQ on, no session may be classical-only, whoever the peer.', () => {
        if (policy !== 'require') return true;
        const classical = handshakes().find((h) => h.result === 'classical');
        return classical === undefined || violated(`REQUIRE_PQ is on, and a classical-only session with ${classical.peer} completed`, { peer: classical.peer });
      }),
      always('require-pq-fails-explicitly', 'A refused classical-only peer must get a clear error at once, not a session that hangs until it times out.', () => {
        if (policy !== 'require') return true;
        const silent = handshakes().find((h) => PQ_CAPABLE[h.peer] === false && h.result === 'failed' && (h.error === null || !h.error.includes('REQUIRE_PQ')));
        return silent === undefined || violated(`the handshake with ${silent.peer} failed without saying why (${silent.error}); it waited ${HANDSHAKE_TIMEOUT_MS} ms`, { peer: silent.peer });
      }),
    ];
  },
});
