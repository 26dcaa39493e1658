/**
 * Version 1's parameter names. Version 2 renamed the ones that read badly: `quality` (shown as
 * Mode), `imageUrl` for the character image, `videoUrl` for the motion video, `voiceUrlUrl`,
 * two names for one time limit, and Get Job's `jobOptions`. A workflow saved with version 1
 * holds those names and must keep its values, so version 1 is version 2's panel under them
 * (`withSavedNames` for the description), and its code reads them through `readingSavedNames`.
 */
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

/** Version 2 name → version 1 name, for the names that map one to one. */
const RENAMED: Readonly<Record<string, string>> = {
	mode: 'quality',
	characterImageSource: 'imageSource',
	characterImageUrl: 'imageUrl',
	characterImageBinaryProperty: 'imageBinaryProperty',
	motionVideoSource: 'videoSource',
	motionVideoUrl: 'videoUrl',
	motionVideoBinaryProperty: 'videoBinaryProperty',
	voiceSampleSource: 'voiceUrlSource',
	voiceSampleUrl: 'voiceUrlUrl',
	voiceSampleBinaryProperty: 'voiceUrlBinaryProperty',
};

/** Version 1 had one time-limit parameter per wait mode. */
const timeLimitName = (waitMode: unknown) => (waitMode === 'waitForWebhook' ? 'webhookTimeLimitMinutes' : 'timeoutMinutes');

/** Version 1 kept Get Job's options apart from a generation's. */
const optionsName = (operation: unknown) => (operation === 'getJob' ? 'jobOptions' : 'options');

/** A display rule's key (`name` or `/name`) under version 1's names. */
function savedKey(key: string): string {
	const absolute = key.startsWith('/');
	const name = absolute ? key.slice(1) : key;
	const saved = RENAMED[name] ?? name;
	return absolute ? `/${saved}` : saved;
}

const renameKeys = <T>(rules: Record<string, T> | undefined) =>
	rules && Object.fromEntries(Object.entries(rules).map(([key, value]) => [savedKey(key), value]));

function savedProperty(property: INodeProperties): INodeProperties {
	const show = property.displayOptions?.show;
	let name = RENAMED[property.name] ?? property.name;
	if (property.name === 'timeLimitMinutes') name = timeLimitName(show?.waitMode?.[0]);
	if (property.name === 'options' && show?.operation?.includes('getJob')) name = optionsName('getJob');
	const renamed: INodeProperties = { ...property, name };
	if (property.displayOptions) {
		renamed.displayOptions = { ...property.displayOptions, show: renameKeys(show), hide: renameKeys(property.displayOptions.hide) };
		if (!renamed.displayOptions.show) delete renamed.displayOptions.show;
		if (!renamed.displayOptions.hide) delete renamed.displayOptions.hide;
	}
	// A collection's own options keep their names; only their rules may read a renamed parameter.
	if (property.type === 'collection' && property.options) {
		renamed.options = (property.options as INodeProperties[]).map(savedProperty);
	}
	return renamed;
}

/** Version 2's panel under version 1's names. */
export const withSavedNames = (properties: INodeProperties[]): INodeProperties[] => properties.map(savedProperty);

/**
 * The execute context of a version 1 node, on which version 2's code asks for version 2's names
 * (`mode`, `options.maxConcurrentJobs`, …) and gets the values saved under version 1's.
 */
export function readingSavedNames(context: IExecuteFunctions): IExecuteFunctions {
	const read = context.getNodeParameter.bind(context) as (name: string, itemIndex: number, ...rest: unknown[]) => unknown;
	const savedPath = (path: string, itemIndex: number): string => {
		const [head, ...rest] = path.split('.');
		let saved = RENAMED[head] ?? head;
		if (head === 'timeLimitMinutes') saved = timeLimitName(read('waitMode', itemIndex, 'waitForCompletion'));
		if (head === 'options') saved = optionsName(read('operation', itemIndex, 'textToVideo'));
		return [saved, ...rest].join('.');
	};
	const getNodeParameter = (name: string, itemIndex: number, ...rest: unknown[]) => read(savedPath(name, itemIndex), itemIndex, ...rest);
	return new Proxy(context, {
		get(target, key) {
			if (key === 'getNodeParameter') return getNodeParameter;
			const value: unknown = Reflect.get(target, key, target);
			// n8n's context methods expect their own object as `this`.
			return typeof value === 'function' ? value.bind(target) : value;
		},
	});
}
