// Job and freelance platforms where the content script marks listed links,
// email addresses and domains. This is the one list: manifest.json's
// content_scripts.matches must say the same (test/manifest.test.mjs checks),
// and every domain here is also a shared platform in
// lists/platforms/platforms.tsv.
export const PLATFORMS = Object.freeze([
  { domain: 'linkedin.com', name: 'LinkedIn' },
  { domain: 'upwork.com', name: 'Upwork' },
  { domain: 'fiverr.com', name: 'Fiverr' },
  { domain: 'freelancer.com', name: 'Freelancer' },
  { domain: 'indeed.com', name: 'Indeed' },
  { domain: 'glassdoor.com', name: 'Glassdoor' },
  { domain: 'wellfound.com', name: 'Wellfound' },
  { domain: 'toptal.com', name: 'Toptal' },
  { domain: 'github.com', name: 'GitHub' },
  { domain: 'dice.com', name: 'Dice' },
  { domain: 'remoteok.com', name: 'Remote OK' },
  { domain: 'weworkremotely.com', name: 'We Work Remotely' },
  { domain: 'guru.com', name: 'Guru' },
  { domain: 'peopleperhour.com', name: 'PeoplePerHour' },
]);

// matchPatterns are the content_scripts.matches for the platforms:
// `*://*.linkedin.com/*` covers linkedin.com and every subdomain, over
// HTTPS and HTTP, on any port.
export function matchPatterns(platforms = PLATFORMS) {
  return platforms.map(({ domain }) => `*://*.${domain}/*`);
}
