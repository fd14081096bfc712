// Password hashing must never stall session lookups (issue 3, PERFORMANCE-NOTES): 50 parallel
// logins saturate the hash pool while whoami is hammered on the same server. Every request must
// succeed, and whoami must stay far faster than the login batch (it never waits for hashing).

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { expectStatus, startBia, uniqueEmail } from './lib/server.js';

const PASSWORD = 'correct horse battery staple 42';

describe('hashing does not block session lookups', { timeout: 240_000 }, () => {
  let bia;
  before(async () => {
    // bcrypt cost 10 (~60 ms a hash here) makes 50 logins several seconds of CPU on 2 cores.
    bia = await startBia({ config: { hashers: { bcrypt: { cost: 10 } } } });
  });
  after(async () => { await bia?.close(); });

  it('50 parallel logins while whoami is hammered: no failure, whoami stays fast', async () => {
    // One identity with a session for whoami, and 50 identities to log in.
    const register = async (email) => {
      const { data: flow } = await bia.v0public.initializeSelfServiceRegistrationFlowWithoutBrowser();
      const { data } = await bia.v0public.submitSelfServiceRegistrationFlow(flow.id, {
        method: 'password', password: PASSWORD, traits: { email },
      });
      return data;
    };
    const watcher = await register(uniqueEmail('watch'));
    assert.ok(watcher.session_token);
    const emails = Array.from({ length: 50 }, (_, i) => uniqueEmail(`load${i}`));
    for (const email of emails) {
      await expectStatus(bia.v0admin.adminCreateIdentity({
        traits: { email }, credentials: { password: { config: { password: PASSWORD } } },
      }), 201);
    }

    let loginsDone = false;
    const whoamiLatencies = [];
    let whoamiFailures = 0;
    const hammer = async () => {
      while (!loginsDone) {
        const t0 = process.hrtime.bigint();
        try {
          const res = await bia.frontendApi.toSession({ xSessionToken: watcher.session_token });
          if (res.status !== 200) whoamiFailures += 1;
        } catch {
          whoamiFailures += 1;
        }
        whoamiLatencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
    };
    const hammers = Array.from({ length: 4 }, hammer);

    const started = Date.now();
    const results = await Promise.allSettled(emails.map(async (email) => {
      const { data: flow } = await bia.v0public.initializeSelfServiceLoginFlowWithoutBrowser();
      const { data } = await bia.v0public.submitSelfServiceLoginFlow(flow.id, {
        method: 'password', password_identifier: email, password: PASSWORD,
      });
      assert.ok(data.session_token);
    }));
    const loginMs = Date.now() - started;
    loginsDone = true;
    await Promise.all(hammers);

    const failed = results.filter((r) => r.status === 'rejected');
    assert.equal(failed.length, 0, `logins failed: ${failed.map((f) => f.reason?.response?.status ?? f.reason).join(', ')}`);
    assert.equal(whoamiFailures, 0, 'whoami requests failed during the login burst');
    assert.ok(whoamiLatencies.length >= 20, `too few whoami samples (${whoamiLatencies.length})`);
    whoamiLatencies.sort((a, b) => a - b);
    const p95 = whoamiLatencies[Math.floor(whoamiLatencies.length * 0.95)];
    console.log(`# whoami samples=${whoamiLatencies.length} p95=${p95.toFixed(1)}ms max=${whoamiLatencies.at(-1).toFixed(1)}ms; 50 logins took ${loginMs} ms`);
    // Relative, not absolute: if whoami queued behind hashing its latency would approach the
    // length of the whole login batch.
    assert.ok(p95 < loginMs / 5,
      `whoami p95 ${p95.toFixed(1)} ms is not far below the login batch (${loginMs} ms)`);
  });
});
