// The sites where the content script marks listed links, email addresses
// and domains: job and freelance platforms, applicant-tracking systems
// (kind 'ats') and webmail (kind 'webmail', where a sender's address also
// sits in an attribute). This is the one list: manifest.json's
// content_scripts.matches must say the same (test/manifest.test.mjs
// checks), and every domain here is also a shared platform, or under one,
// in lists/platforms/platforms.tsv. A domain covers its subdomains unless
// `exact` (a webmail host, not the company's every site).
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
  // Applicant-tracking systems: where recruiters read applications.
  { domain: 'greenhouse.io', name: 'Greenhouse', kind: 'ats' },
  { domain: 'lever.co', name: 'Lever', kind: 'ats' },
  { domain: 'myworkdayjobs.com', name: 'Workday', kind: 'ats' },
  { domain: 'myworkday.com', name: 'Workday', kind: 'ats' }, // wd1.myworkday.com, wd5.myworkday.com, …
  { domain: 'ashbyhq.com', name: 'Ashby', kind: 'ats' },
  { domain: 'smartrecruiters.com', name: 'SmartRecruiters', kind: 'ats' },
  { domain: 'icims.com', name: 'iCIMS', kind: 'ats' },
  { domain: 'workable.com', name: 'Workable', kind: 'ats' },
  { domain: 'bamboohr.com', name: 'BambooHR', kind: 'ats' },
  { domain: 'teamtailor.com', name: 'Teamtailor', kind: 'ats' },
  { domain: 'recruitee.com', name: 'Recruitee', kind: 'ats' },
  { domain: 'jazz.co', name: 'JazzHR', kind: 'ats' }, // app.jazz.co
  { domain: 'applytojob.com', name: 'JazzHR', kind: 'ats' }, // its career pages
  // Webmail: the message a candidate sends.
  { domain: 'mail.google.com', name: 'Gmail', kind: 'webmail', exact: true },
  { domain: 'outlook.office.com', name: 'Outlook', kind: 'webmail', exact: true },
  { domain: 'outlook.office365.com', name: 'Outlook', kind: 'webmail', exact: true },
  { domain: 'outlook.live.com', name: 'Outlook', kind: 'webmail', exact: true },
]);

// matchPatterns are the content_scripts.matches for the platforms:
// `*://*.linkedin.com/*` covers linkedin.com and every subdomain, over
// HTTPS and HTTP, on any port; `*://mail.google.com/*` that host only.
export function matchPatterns(platforms = PLATFORMS) {
  return platforms.map(({ domain, exact }) => (exact ? `*://${domain}/*` : `*://*.${domain}/*`));
}
