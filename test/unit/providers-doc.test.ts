/** docs/providers.md is what the model tables say: regenerate it with `npm run docs:providers`. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderTableReport, sourceKind } from '../../scripts/lib/providerTables';

describe('docs/providers.md', () => {
	it('matches the model tables', () => {
		expect(readFileSync(join(__dirname, '..', '..', 'docs', 'providers.md'), 'utf8')).toBe(renderTableReport());
	});

	it('tells source kinds apart', () => {
		expect(sourceKind('UNCONFIRMED: guessed')).toBe('unconfirmed');
		expect(sourceKind('sdk @fal-ai/client@1.10.1 src/types/endpoints.d.ts')).toBe('official SDK');
		expect(sourceKind('https://wavespeed.ai/models/kwaivgi/kling-v2.6/create-voice/llms.txt')).toBe('provider page');
		expect(sourceKind('https://app.klingai.com/global/dev/document-api (Text to Video)')).toBe('provider page');
		expect(sourceKind('https://example.com/some-blog')).toBe('other');
	});
});
