/** `lindung cards print|verify`: member cards for a ceremony, and the public check of a card. */
import fs from 'node:fs';
import { finished } from 'node:stream/promises';
import type { Command } from 'commander';
import { loadConfig } from '../config.js';
import { asSystem } from '../db/scope.js';
import { formatPeriod } from '../domain/card.js';
import { getProgramme } from '../features/programmes/programmes.js';
import { cardPages, startPrintRun, verifyCard } from '../features/enrollment/cards.js';
import { writeCardsPdf } from '../features/enrollment/card-pdf.js';
import { todayInNtt } from '../clock.js';
import { CliError, note, print, withDb } from './common.js';

function baseUrlOption(v: string | undefined): string {
  if (v === undefined) {
    const local = `http://localhost:${loadConfig().port}`;
    note(`No --base-url: the QR codes point at ${local}, which a phone cannot reach. Give the public address of Lindung for cards that are handed out.`);
    return local;
  }
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    throw new CliError(`--base-url must be an address such as https://lindung.nttprov.go.id, not "${v}"`);
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new CliError('--base-url must start with https:// (or http://)');
  return `${u.origin}${u.pathname}`.replace(/\/+$/, '');
}

export function registerCardCommands(program: Command): void {
  const cards = program.command('cards').description('Member cards: print sheets for a ceremony, check a card');
  cards
    .command('print')
    .description('Write the cards of the active members (of an area) as PDF: A4, 10 per sheet with cut marks, by district, village and name; records the print run')
    .requiredOption('--programme <code>', 'programme code')
    .option('--area <code>', 'only this regency or district, e.g. 53.08 (default: the programme\'s area)')
    .requiredOption('--out <file>', 'where to write the PDF')
    .option('--base-url <url>', 'public address of Lindung for the QR codes, e.g. https://lindung.nttprov.go.id')
    .option('--json', 'print JSON')
    .action(async (opts: { programme: string; area?: string; out: string; baseUrl?: string; json?: boolean }) => {
      const baseUrl = baseUrlOption(opts.baseUrl);
      await withDb(async (db) => {
        const { programme, run } = await asSystem(db, 'cli', async (tx) => {
          const programme = await getProgramme(tx, opts.programme);
          return { programme, run: await startPrintRun(tx, programme, opts.area ?? programme.funderAreaCode, 'cli') };
        });
        // Written beside the target and renamed at the end: a stopped run leaves no half PDF under the real name.
        const part = `${opts.out}.part`;
        const file = fs.createWriteStream(part);
        try {
          const written = await writeCardsPdf(file, cardPages((fn) => asSystem(db, 'cli', fn), programme.id, run.area), {
            baseUrl,
            programme: { code: programme.code, name: programme.name, funderName: programme.funderName, benefits: programme.benefits },
          });
          await finished(file);
          fs.renameSync(part, opts.out);
          const r = { cardPrint: run.printId, programme: run.programme, area: run.area, cards: written.cards, sheets: written.sheets, newTokens: run.newTokens, file: opts.out };
          print(Boolean(opts.json), r, () => `Card print #${r.cardPrint}: ${r.cards.toLocaleString('id-ID')} cards of ${r.programme} in ${r.area} on ${r.sheets.toLocaleString('id-ID')} A4 sheets written to ${r.file}; ${r.newTokens.toLocaleString('id-ID')} printed for the first time`);
        } catch (e) {
          fs.rmSync(part, { force: true });
          throw e;
        }
      });
    });
  cards
    .command('verify <token>')
    .description('What the card\'s QR page shows: valid or not, programme and period (no personal data); the token or the whole address from the QR code; exits 1 when the card is not valid')
    .option('--json', 'print JSON')
    .action(async (token: string, opts: { json?: boolean }) => {
      const bare = /\/v\/([^/?#]+)/.exec(token)?.[1] ?? token;
      await withDb(async (db) => {
        const r = await verifyCard(db, bare, todayInNtt());
        print(Boolean(opts.json), r, () => [
          r.message.id,
          r.message.en,
          ...(r.programme ? [`Program ${r.programme.code} — ${r.programme.name}`] : []),
          ...(r.periodFrom && r.periodTo ? [`Masa perlindungan ${formatPeriod({ from: r.periodFrom, to: r.periodTo }, 'id')}`] : []),
        ].join('\n'));
        if (!r.valid) process.exitCode = 1;
      });
    });
}
