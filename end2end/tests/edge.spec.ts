import { test, expect } from './fixtures';

test('pages carry the security headers, with a fresh CSP nonce each time', async ({ request }) => {
  const first = await request.get('/');
  const second = await request.get('/');
  const csp = first.headers()['content-security-policy'];
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9_-]{22}'/);
  expect(second.headers()['content-security-policy']).not.toEqual(csp);
  expect(first.headers()['x-content-type-options']).toBe('nosniff');
  expect(first.headers()['referrer-policy']).toBe('same-origin');
  // The inline hydration script carries the nonce of its response.
  const nonce = /'nonce-([^']+)'/.exec(csp)![1];
  expect(await first.text()).toContain(`nonce="${nonce}"`);
});

test('a cross-site POST is refused', async ({ request }) => {
  const response = await request.post('/api/anything', {
    headers: { 'sec-fetch-site': 'cross-site' },
    data: 'x=1',
  });
  expect(response.status()).toBe(403);
});

test('a POST with neither Origin nor Sec-Fetch-Site is refused, saying so', async ({ request }) => {
  const response = await request.post('/api/logout', { data: '' });
  expect(response.status()).toBe(403);
  expect(await response.text()).toContain('neither an Origin nor a Sec-Fetch-Site header');
});

test('an oversized body is refused', async ({ request }) => {
  const response = await request.post('/api/anything', {
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin' },
    data: 'x='.padEnd(200 * 1024, 'a'),
  });
  expect(response.status()).toBe(413);
});
