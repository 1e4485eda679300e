/**
 * Child process for the data-folder lock test: tries to open the PGlite folder given as the only
 * argument, as a second Lindung process would.
 *   exit 0  opened (and closed again)
 *   exit 2  refused because the folder is locked; the error message is printed on stdout
 *   exit 1  any other error (printed on stderr)
 * Run with: node --import tsx test/helpers/try-open-db.ts DATA_DIR
 */
import { openDatabase } from '../../src/db/open.js';
import { DataDirLockedError } from '../../src/db/lock.js';

const dataDir = process.argv[2];
if (!dataDir) {
  console.error('usage: try-open-db.ts DATA_DIR');
  process.exit(1);
}
try {
  const db = await openDatabase({ dataDir, databaseUrl: null });
  await db.close();
  console.log('opened');
  process.exit(0);
} catch (e) {
  if (e instanceof DataDirLockedError) {
    console.log(e.message);
    process.exit(2);
  }
  console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
  process.exit(1);
}
