/**
 * Reads the bytes behind a media reference in a request, when the emulator can: a data URL,
 * Kling's raw base64, a file uploaded to the emulator (its CDN URL, or Replicate's
 * `urls.get`), or another job's output. Anything else (a URL on the internet) is `null`:
 * no machine here reaches other hosts, and the emulator never tries.
 */
import type { EmulatorCore } from './context';
import { FILES_PREFIX } from './files';
import { outputVideo } from './outputVideo';
import { PROVIDERS, type ProviderName } from './types';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

function fromDataUrl(ref: string): Buffer | null {
	const match = /^data:([^,]*),(.*)$/is.exec(ref);
	if (!match) return null;
	try {
		return /;base64$/i.test(match[1]) ? Buffer.from(match[2], 'base64') : Buffer.from(decodeURIComponent(match[2]), 'utf8');
	} catch {
		return null;
	}
}

function fromEmulatorUrl(core: EmulatorCore, ref: string): Buffer | null {
	let url: URL;
	let own: URL;
	try {
		url = new URL(ref);
		own = new URL(core.url);
	} catch {
		return null;
	}
	if (url.port !== own.port || !(url.hostname === own.hostname || LOOPBACK.has(url.hostname))) return null;
	const parts = url.pathname.split('/').filter(Boolean).map((part) => decodeURIComponent(part));
	if (`/${parts[0]}` === FILES_PREFIX && PROVIDERS.includes(parts[1] as ProviderName)) {
		const provider = parts[1] as ProviderName;
		if (parts[2] === 'uploads') return core.uploads.get(provider, parts[3])?.bytes ?? null;
		if (parts[2] === 'outputs') {
			const job = core.store.get(provider, parts[3]);
			return job && job.state === 'succeeded' && job.operation !== 'createVoice' ? outputVideo(job) : null;
		}
		return null;
	}
	// Replicate's SDK passes an uploaded file as its API URL (`urls.get`).
	if (parts[0] === 'replicate' && parts[1] === 'v1' && parts[2] === 'files' && parts[3]) {
		return core.uploads.get('replicate', parts[3])?.bytes ?? null;
	}
	return null;
}

export function readMediaRef(core: EmulatorCore, ref: unknown, options: { rawBase64?: boolean } = {}): Buffer | null {
	if (typeof ref !== 'string' || ref === '') return null;
	if (/^data:/i.test(ref)) return fromDataUrl(ref);
	if (/^https?:\/\//i.test(ref)) return fromEmulatorUrl(core, ref);
	if (options.rawBase64 && /^[A-Za-z0-9+/=\s]+$/.test(ref)) return Buffer.from(ref, 'base64');
	return null;
}
