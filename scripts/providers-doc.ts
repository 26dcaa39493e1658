/** Writes docs/providers.md from the model tables (`npm run docs:providers`). */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderTableReport } from './lib/providerTables';

const target = join(__dirname, '..', 'docs', 'providers.md');
writeFileSync(target, renderTableReport());
console.log(`wrote ${target}`);
