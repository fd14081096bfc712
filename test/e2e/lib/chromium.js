// Headless Chromium for the browser e2e suites: Debian's /usr/bin/chromium (CHROMIUM_BIN
// overrides it) driven by playwright-core, which never downloads a browser of its own here.
//
//   requireChromium();                        // fails the suite early when the binary is missing
//   const chrome = await launchChromium();    // a playwright Browser; chrome.newContext() per person
//   await addVirtualAuthenticator(context, page);   // a CDP virtual security key for that page

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';

import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_BIN || '/usr/bin/chromium';

// No sandbox (containers, root), no GPU, /tmp rather than a small /dev/shm, and nothing the
// browser would fetch on its own (QUIC, first-run, background networking, component updates,
// sync). playwright-core passes some of these by default too; they are listed so the launch
// does not depend on its defaults.
export const CHROMIUM_ARGS = Object.freeze([
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]);

/** Asserts that the Chromium binary is there (call it first in a suite's before()). */
export function requireChromium() {
  assert.ok(existsSync(CHROMIUM), `Chromium is needed at ${CHROMIUM} (scripts/install-deps.sh --test installs it)`);
}

/** Launches headless Chromium; close it with `await chrome.close()`. */
export async function launchChromium() {
  requireChromium();
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...CHROMIUM_ARGS] });
}

/**
 * Chromium's virtual authenticator (CDP WebAuthn domain) for `page` of `context`, standing in for
 * a USB security key: CTAP2, resident keys, user verification, presence confirmed automatically.
 * Returns { cdp, authenticatorId }; the authenticator lives as long as the page.
 */
export async function addVirtualAuthenticator(context, page) {
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2', transport: 'usb', hasResidentKey: true, hasUserVerification: true, isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return { cdp, authenticatorId };
}
