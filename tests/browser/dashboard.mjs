// The dashboard in a real headless Chromium (Debian's, driven by playwright-core), against a real
// `hoso-server serve --demo`: sign-in, every page with its figures, scope between provinces (also by
// editing URLs), form tokens, downloads, language, attempt limits, and a screenshot of each page on a
// desktop and a 10-inch tablet. Prints `browser: N passed, N failed`.
//
// Environment: HOSO_URL, HOSO_LOGINS (JSON: sign-in name → password), HOSO_SHOTS (a folder).

import { chromium } from 'playwright-core';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const base = process.env.HOSO_URL;
const logins = JSON.parse(process.env.HOSO_LOGINS);
const shots = process.env.HOSO_SHOTS;
mkdirSync(shots, { recursive: true });

const DESKTOP = { width: 1280, height: 800 };
const TABLET = { width: 800, height: 1280 };

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
});

async function signedIn(login, viewport = DESKTOP) {
  const context = await browser.newContext({ viewport, acceptDownloads: true });
  const page = await context.newPage();
  await page.goto(`${base}/sign-in`);
  await page.fill('input[name=login]', login);
  await page.fill('input[name=password]', logins[login]);
  await Promise.all([page.waitForURL(`${base}/`), page.click('main form.stack button[type=submit]')]);
  return { context, page };
}

async function shoot(page, name) {
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
}

/// The number shown on an overview card, by its label.
async function card(page, label) {
  const text = await page.locator(`a.card[data-figure="${label}"] .figure`).textContent();
  return Number(text);
}

async function rows(page, table) {
  return page.locator(`table#${table} tbody tr`).count();
}

/// Every line of a paged list: follows its "next" links, no page longer than 100 lines.
async function allRows(page, path, table) {
  await page.goto(`${base}${path}`);
  let total = 0;
  let pages = 0;
  for (;;) {
    const here = await rows(page, table);
    assert.ok(here <= 100, `${path}: ${here} lines on one page`);
    total += here;
    pages += 1;
    const next = page.locator('nav.pager a[rel="next"]');
    if ((await next.count()) === 0) return { total, pages };
    await Promise.all([page.waitForURL(new RegExp(`page=${pages + 1}$`)), next.click()]);
  }
}

const tests = [];
const test = (name, body) => tests.push({ name, body });

test('signing in with a wrong password is refused, the right one opens the overview', async () => {
  const context = await browser.newContext({ viewport: DESKTOP });
  const page = await context.newPage();
  await page.goto(`${base}/`);
  assert.equal(new URL(page.url()).pathname, '/sign-in', 'pages need a session');
  await shoot(page, 'sign-in');
  await page.fill('input[name=login]', 'so-y-te-79');
  await page.fill('input[name=password]', 'sai-mat-khau');
  await page.click('main form.stack button[type=submit]');
  assert.match(await page.locator('.problem').textContent(), /không đúng/);
  await page.fill('input[name=login]', 'so-y-te-79');
  await page.fill('input[name=password]', logins['so-y-te-79']);
  await Promise.all([page.waitForURL(`${base}/`), page.click('main form.stack button[type=submit]')]);
  assert.equal(await page.locator('h1').textContent(), 'Tổng quan');
  await context.close();
});

test('the overview shows its figures and three server-drawn charts', async () => {
  const { context, page } = await signedIn('so-y-te-79');
  assert.ok((await card(page, 'Đang quản lý')) > 0, 'open cases');
  assert.equal(await page.locator('figure svg').count(), 3);
  assert.ok((await rows(page, 'caseload')) >= 10, 'two collaborators in each of five communes');
  const steps = await page.locator('figure svg').first().locator('text').allTextContents();
  assert.ok(steps.includes('Bước 1') && steps.includes('Bước 5'));
  await shoot(page, 'overview-desktop');
  await context.close();
  const tablet = await signedIn('so-y-te-79', TABLET);
  await shoot(tablet.page, 'overview-tablet');
  await tablet.context.close();
});

test('each list page shows as many lines as its overview card counts', async () => {
  const { context, page } = await signedIn('so-y-te-79');
  const counts = {
    overdue: await card(page, 'Việc quá hạn'),
    approvals: await card(page, 'Chờ phê duyệt'),
  };
  const overdue = await allRows(page, '/overdue', 'overdue');
  assert.equal(overdue.total, counts.overdue);
  assert.ok(overdue.pages >= Math.ceil(counts.overdue / 100), 'every overdue line has its page');
  await page.goto(`${base}/overdue?page=${overdue.pages + 1}`);
  assert.equal(await rows(page, 'overdue'), 0, 'past the last page: no line');
  await Promise.all([
    page.waitForURL(new RegExp(`page=${overdue.pages}$`)),
    page.locator('nav.pager a[rel="prev"]').click(),
  ]);
  const onLastPage = Math.max(0, Math.min(100, counts.overdue - 100 * (overdue.pages - 1)));
  assert.equal(await rows(page, 'overdue'), onLastPage, 'and back to the last page');
  await page.goto(`${base}/overdue?page=abc`);
  assert.equal(await rows(page, 'overdue'), Math.min(counts.overdue, 100), 'a malformed page is the first');
  const days = await page.locator('table#overdue tbody tr td.num').allTextContents();
  assert.ok(days.every((d) => Number(d) > 0), 'days overdue are positive');
  await shoot(page, 'overdue');
  assert.equal((await allRows(page, '/approvals', 'approvals')).total, counts.approvals);
  await shoot(page, 'approvals');
  await page.goto(`${base}/no-contact`);
  assert.ok((await rows(page, 'no-contact')) > 0);
  await shoot(page, 'no-contact');
  await page.goto(`${base}/devices`);
  assert.ok((await rows(page, 'devices')) >= 15, 'three devices in each of five communes');
  assert.ok((await page.locator('table#devices tr.quiet').count()) >= 1, 'a quiet device stands out');
  await shoot(page, 'devices');
  const tablet = await signedIn('so-y-te-79', TABLET);
  await tablet.page.goto(`${base}/overdue`);
  await shoot(tablet.page, 'overdue-tablet');
  await tablet.context.close();
  await context.close();
});

test('a case opens read-only with its timeline and every change with its device and times', async () => {
  const { context, page } = await signedIn('chu-tich-25920');
  await page.goto(`${base}/overdue`);
  await Promise.all([page.waitForURL(/\/cases\//), page.locator('table#overdue a').first().click()]);
  assert.ok((await page.locator('ol.timeline li').count()) > 2);
  assert.ok((await rows(page, 'history')) > 10);
  const header = await page.locator('table#history thead').textContent();
  assert.match(header, /Thiết bị/);
  assert.match(header, /Giờ máy chủ nhận/);
  assert.equal(await page.locator('form').count(), 2, 'only the language switch and sign-out: read-only');
  await shoot(page, 'case');
  await context.close();
});

test('a value that lost a concurrent edit is shown as waiting on its case page', async () => {
  // Phường Tân Hiệp (25920) is left without concurrent edits for the demo's phones: Xã Dầu Tiếng has two.
  const { context, page } = await signedIn('chu-tich-25777');
  await Promise.all([page.waitForURL(/\/cases\//), page.locator('table#conflicts a').first().click()]);
  assert.ok((await page.locator('.fate-unresolved').count()) >= 1);
  await context.close();
});

test('the reports page shows the figures and downloads XLSX and CSV', async () => {
  const { context, page } = await signedIn('so-y-te-79');
  await page.goto(`${base}/reports`);
  const openAtEnd = await page.locator('tr[data-code="cases.open_at_end"] td.num').textContent();
  assert.ok(Number(openAtEnd) >= 0);
  assert.ok((await rows(page, 'report-communes')) >= 5);
  await shoot(page, 'reports');
  const [xlsx] = await Promise.all([page.waitForEvent('download'), page.click('a[href*="format=xlsx"]')]);
  assert.match(xlsx.suggestedFilename(), /^hoso-bao-cao-79-.*\.xlsx$/);
  const xlsxPath = join(shots, xlsx.suggestedFilename());
  await xlsx.saveAs(xlsxPath);
  assert.equal(readFileSync(xlsxPath).subarray(0, 2).toString(), 'PK', 'a zip container');
  const [csv] = await Promise.all([page.waitForEvent('download'), page.click('a[href*="format=csv"]')]);
  const csvPath = join(shots, csv.suggestedFilename());
  await csv.saveAs(csvPath);
  const text = readFileSync(csvPath);
  assert.deepEqual([...text.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 with a byte-order mark');
  assert.match(text.toString('utf8'), /Đang quản lý cuối kỳ/);
  await page.selectOption('select[name=posting]', 'true');
  await page.click('form.filters button[type=submit]');
  assert.equal(await page.locator('table#report-managers').count(), 0, 'no rows per worker for posting');
  assert.doesNotMatch(await page.locator('table#report-lines').textContent(), /HIV/);
  await context.close();
});

test("last year's annual report, marked submitted, leaves the overview's reminders", async () => {
  const { context, page } = await signedIn('so-y-te-79');
  const lastYear = String(new Date().getFullYear() - 1);
  const reminders = () => page.locator('#reports-due li').allTextContents();
  assert.ok((await reminders()).some((text) => text.includes(`(${lastYear})`)), 'overdue before');
  await page.goto(`${base}/reports?period=${lastYear}`);
  await Promise.all([page.waitForURL(`${base}/reports?period=${lastYear}`), page.click('#mark-submitted')]);
  assert.match(await page.locator('#report-submitted').textContent(), /đã nộp/);
  await page.goto(`${base}/reports?period=${lastYear}-Q4`);
  assert.equal(await page.locator('#mark-submitted').count(), 0, 'a quarter is no periodic report to submit');
  const forged = await context.request.post(`${base}/reports/produced`, { form: { csrf: 'x'.repeat(32), period: '2026-H1' } });
  assert.equal(forged.status(), 403, 'no form token, no mark');
  const csrf = await page.locator('input[name=csrf]').first().getAttribute('value');
  const quarter = await context.request.post(`${base}/reports/produced`, { form: { csrf, period: `${lastYear}-Q4` } });
  assert.equal(quarter.status(), 404, 'the server, not only the page, refuses a period that is no periodic report');
  await page.goto(`${base}/`);
  assert.ok(!(await reminders()).some((text) => text.includes(`(${lastYear})`)), 'gone after');
  await context.close();
});

test("a provincial officer of province 66 never sees province 79's communes, whatever the URL", async () => {
  const { context, page } = await signedIn('so-y-te-66');
  const body = await page.locator('main').textContent();
  assert.doesNotMatch(body, /Tân Hiệp|Dầu Tiếng|Bàu Bàng/);
  await shoot(page, 'overview-province-66');
  const other = await signedIn('so-y-te-79');
  await other.page.goto(`${base}/overdue`);
  const caseUrl = await other.page.locator('table#overdue a').first().getAttribute('href');
  await other.context.close();
  for (const url of [caseUrl, '/?commune=25920', '/overdue?commune=25777', '/reports?commune=25920',
    '/reports/download?commune=25920&format=csv']) {
    const response = await page.goto(`${base}${url}`).catch(() => null);
    const status = response ? response.status() : (await context.request.get(`${base}${url}`)).status();
    assert.equal(status, 404, url);
  }
  const direct = await context.request.get(`${base}/reports/download?commune=25920&format=csv`);
  assert.equal(direct.status(), 404);
  await context.close();
});

test('a POST without its form token is refused', async () => {
  const { context, page } = await signedIn('so-y-te-79');
  const signOut = await context.request.post(`${base}/sign-out`, { form: {} });
  assert.equal(signOut.status(), 403);
  const wrongToken = await context.request.post(`${base}/lang`, { form: { csrf: 'x'.repeat(32), to: 'en' } });
  assert.equal(wrongToken.status(), 403);
  await page.goto(`${base}/`);
  assert.equal(await page.locator('h1').textContent(), 'Tổng quan', 'still signed in, still Vietnamese');
  await context.close();
});

test('English on request, and back', async () => {
  const { context, page } = await signedIn('so-y-te-79');
  await Promise.all([page.waitForURL(`${base}/`), page.click('button[lang=en]')]);
  assert.equal(await page.locator('h1').textContent(), 'Overview');
  await shoot(page, 'overview-english');
  await Promise.all([page.waitForURL(`${base}/`), page.click('button[lang=vi]')]);
  assert.equal(await page.locator('h1').textContent(), 'Tổng quan');
  await context.close();
});

test('signing out ends the session', async () => {
  const { context, page } = await signedIn('chu-tich-25920');
  await Promise.all([page.waitForURL(`${base}/sign-in`), page.click('header form[action="/sign-out"] button')]);
  await page.goto(`${base}/approvals`);
  assert.equal(new URL(page.url()).pathname, '/sign-in');
  await context.close();
});

test('repeated wrong sign-ins are refused for a while', async () => {
  const context = await browser.newContext({ viewport: DESKTOP });
  const page = await context.newPage();
  let last = 0;
  for (let attempt = 0; attempt < 6; attempt++) {
    await page.goto(`${base}/sign-in`);
    await page.fill('input[name=login]', 'khong-co-ai');
    await page.fill('input[name=password]', `sai-${attempt}`);
    const [response] = await Promise.all([page.waitForResponse(/\/sign-in$/), page.click('main form.stack button[type=submit]')]);
    last = response.status();
  }
  assert.equal(last, 429);
  assert.match(await page.locator('.problem').textContent(), /15 phút/);
  await context.close();
});

let passed = 0;
let failed = 0;
for (const { name, body } of tests) {
  try {
    await body();
    passed += 1;
    console.log(`ok   ${name}`);
  } catch (error) {
    failed += 1;
    console.log(`FAIL ${name}\n     ${String(error && error.stack || error).split('\n').slice(0, 6).join('\n     ')}`);
  }
}
await browser.close();
console.log(`browser: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
