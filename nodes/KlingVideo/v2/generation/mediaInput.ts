/**
 * A media parameter resolved to what will be sent: a URL the provider fetches itself, or a
 * binary file checked here (type, size, pixels, length) and uploaded the provider's way.
 */
import type { IExecuteFunctions } from 'n8n-workflow';
import type { CharacterOrientation } from '../../../shared/job';
import { checkImage, checkMotionVideo } from '../../../shared/media/limits';
import { probeImage } from '../../../shared/media/probe';
import type { OperationRow } from '../../../shared/providers/table';
import type { ProviderClient, RequestField, UploadableFile } from '../../../shared/providers/types';
import { mediaParameterNames } from '../description/media';
import { InvalidParameterError } from '../errors/invalidParameter';

/** `source` is the value of the field's Source parameter that produced it. */
export type MediaInput = { source: 'url'; url: string } | { source: 'binary'; property: string; file: UploadableFile };

/** Schemes a provider can fetch from. `file:` and friends would point at this n8n's own disk. */
const FETCHABLE_SCHEMES = ['https:', 'http:', 'data:'];

const IMAGE_FIELDS: readonly RequestField[] = ['startImage', 'endImage', 'image'];

export function readMediaInput(
	context: IExecuteFunctions,
	itemIndex: number,
	field: RequestField,
	label: string,
): MediaInput | null {
	const names = mediaParameterNames(field);
	const source = context.getNodeParameter(names.source, itemIndex, 'url') as string;
	if (source === 'none') return null;
	if (source === 'url') {
		const raw = context.getNodeParameter(names.url, itemIndex, '');
		const url = typeof raw === 'string' ? raw.trim() : '';
		if (!url) throw new InvalidParameterError(field, `${label} URL is ${JSON.stringify(raw)}: a URL is required`);
		const scheme = urlScheme(url);
		if (!scheme) {
			throw new InvalidParameterError(field, `${label} URL is "${url}": not a valid URL; allowed are https:// (or http://, data:) URLs`);
		}
		if (!FETCHABLE_SCHEMES.includes(scheme)) {
			throw new InvalidParameterError(field, `${label} URL is "${url}": the ${scheme} scheme cannot be fetched by the provider; allowed are https:// (or http://, data:) URLs`);
		}
		return { source: 'url', url };
	}
	const property = String(context.getNodeParameter(names.binaryProperty, itemIndex, 'data')).trim();
	const binary = context.getInputData()[itemIndex]?.binary ?? {};
	const entry = binary[property];
	if (!entry) {
		const available = Object.keys(binary);
		throw new InvalidParameterError(
			field,
			`${label} Binary Property is "${property}": the input item has no binary property of that name; ${available.length ? `it has ${available.map((name) => `"${name}"`).join(', ')}` : 'it has no binary data at all'}`,
		);
	}
	return {
		source: 'binary',
		property,
		file: {
			data: Buffer.alloc(0),
			mimeType: entry.mimeType,
			fileName: entry.fileName ?? `${field}`,
		},
	};
}

/** The URL's scheme with its colon, or null when it does not parse as a URL. */
export function urlScheme(url: string): string | null {
	try {
		return new URL(url).protocol;
	} catch {
		return null;
	}
}

/** The problem with an image or motion video's bytes for this provider, or null. */
function checkBytes(field: RequestField, data: Buffer, orientation: CharacterOrientation | undefined, row: OperationRow): string | null {
	if (IMAGE_FIELDS.includes(field)) return checkImage(data, row.imageTypes?.values);
	if (field === 'video') return checkMotionVideo(data, orientation ?? 'image');
	return null;
}

/** Loads a binary input's bytes and checks them; runs before any upload or submit. */
export async function loadAndCheckBinary(
	context: IExecuteFunctions,
	itemIndex: number,
	field: RequestField,
	label: string,
	input: Extract<MediaInput, { source: 'binary' }>,
	orientation: CharacterOrientation | undefined,
	row: OperationRow,
): Promise<void> {
	const data = await context.helpers.getBinaryDataBuffer(itemIndex, input.property);
	input.file.data = data;
	const problem = checkBytes(field, data, orientation, row);
	if (problem) throw new InvalidParameterError(field, `${label} (binary property "${input.property}") ${problem}`);
	// The bytes decide the type: a PNG stored as application/octet-stream still goes out as image/png.
	const type = IMAGE_FIELDS.includes(field) ? probeImage(data).type : 'unknown';
	if (type !== 'unknown') input.file.mimeType = `image/${type}`;
}

/**
 * A `data:` URL carries the file itself, so it is checked like a binary input: a 12 MB or GIF
 * image inlined in a URL is as refused by the provider as an uploaded one.
 */
export function checkDataUrl(
	field: RequestField,
	label: string,
	input: Extract<MediaInput, { source: 'url' }>,
	orientation: CharacterOrientation | undefined,
	row: OperationRow,
): void {
	const match = /^data:([^,]*),/i.exec(input.url);
	if (!match) return;
	const payload = input.url.slice(match[0].length);
	let data: Buffer | null = null;
	try {
		data = /;base64$/i.test(match[1]) ? Buffer.from(payload, 'base64') : Buffer.from(decodeURIComponent(payload));
	} catch {
		data = null; // a stray % in a percent-encoded payload: reported below, outside this block
	}
	if (!data) throw new InvalidParameterError(field, `${label} URL is a data: URL that cannot be decoded: allowed is base64 or percent-encoded data`);
	const problem = checkBytes(field, data, orientation, row);
	if (problem) throw new InvalidParameterError(field, `${label} URL (a data: URL of ${data.length} bytes) ${problem}`);
}

/** Turns a checked media input into the string the provider receives. */
export async function resolveMedia(client: ProviderClient, input: MediaInput, signal?: AbortSignal): Promise<string> {
	if (input.source === 'url') return input.url;
	return await client.uploadMedia(input.file, signal);
}
