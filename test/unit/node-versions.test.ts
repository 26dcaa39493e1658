/**
 * Saved workflows are a public contract: Kling Video version 1's panel (parameter names,
 * defaults, options, display rules) is exactly what it was when version 2 came, kept in
 * test/fixtures/klingVideo-v1-description.json; version 2 holds none of the names it renamed,
 * and a new node is version 2.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NodeHelpers, type INodeProperties } from 'n8n-workflow';
import { KlingVideo } from '../../nodes/KlingVideo/KlingVideo.node';

const versioned = new KlingVideo();
const v1 = versioned.getNodeType(1).description;
const v2 = versioned.getNodeType(2).description;
const saved = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'klingVideo-v1-description.json'), 'utf8')) as typeof v1;

const namesOf = (properties: INodeProperties[]): Set<string> => new Set(properties.map((property) => property.name));

/** Version 1 → version 2, as the version-2 panel names them. */
const RENAMES: Array<[string, string]> = [
	['quality', 'mode'],
	['imageSource', 'characterImageSource'],
	['imageUrl', 'characterImageUrl'],
	['imageBinaryProperty', 'characterImageBinaryProperty'],
	['videoSource', 'motionVideoSource'],
	['videoUrl', 'motionVideoUrl'],
	['videoBinaryProperty', 'motionVideoBinaryProperty'],
	['voiceUrlSource', 'voiceSampleSource'],
	['voiceUrlUrl', 'voiceSampleUrl'],
	['voiceUrlBinaryProperty', 'voiceSampleBinaryProperty'],
	['timeoutMinutes', 'timeLimitMinutes'],
	['webhookTimeLimitMinutes', 'timeLimitMinutes'],
	['jobOptions', 'options'],
];

describe('Kling Video versions', () => {
	it('version 1 is the panel saved workflows were made with, to the last rule', () => {
		expect(JSON.parse(JSON.stringify(v1))).toEqual(saved);
	});

	it('version 2 has the new names and none of the old', () => {
		const names = namesOf(v2.properties);
		for (const [old, renamed] of RENAMES) {
			expect({ old, inVersion2: names.has(old) }).toEqual({ old, inVersion2: false });
			expect({ renamed, inVersion2: names.has(renamed) }).toEqual({ renamed, inVersion2: true });
		}
		// No display rule reads an old name either.
		const ruleKeys = v2.properties.flatMap((property) => [
			...Object.keys(property.displayOptions?.show ?? {}),
			...((property.options ?? []) as INodeProperties[]).flatMap((option) => Object.keys(option.displayOptions?.show ?? {})),
		]);
		for (const [old] of RENAMES) expect(ruleKeys).not.toContain(old);
	});

	it('the versions differ only in names: the same declarations in the same order', () => {
		expect(v2.properties.map((property) => [property.type, property.displayName, property.default])).toEqual(
			v1.properties.map((property) => [property.type, property.displayName, property.default]),
		);
	});

	it('one time limit in version 2, with the default of each wait mode', () => {
		const resolve = (waitMode: string) =>
			NodeHelpers.getNodeParameters(v2.properties, { provider: 'replicate', operation: 'textToVideo', waitMode }, true, false, null, null);
		expect(resolve('waitForCompletion')).toMatchObject({ timeLimitMinutes: 10 });
		expect(resolve('waitForWebhook')).toMatchObject({ timeLimitMinutes: 60 });
	});

	it('a new node is version 2; both versions are served', () => {
		expect(versioned.description.defaultVersion).toBe(2);
		expect(Object.keys(versioned.nodeVersions).sort()).toEqual(['1', '2']);
	});
});
