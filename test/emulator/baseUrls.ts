/**
 * Where each provider's API lives in the emulator, below its origin: the mounts of
 * providers/*.ts (`/replicate` with routes under `/v1/…`, fal's three hosts `/fal-queue`,
 * `/fal-api`, `/fal-rest`, `/wavespeed` with routes under `/api/v3/…`, `/kling` with routes
 * under `/v1/…`). The emulator hands these out as `baseUrls` and on `GET /_emulator/credentials`.
 */
export interface EmulatorBaseUrls {
	/** Replicate API base (`…/replicate/v1`), as the SDK's `baseUrl`. */
	replicate: string;
	/** The emulator's origin: fal's hosts are `/fal-queue`, `/fal-api`, `/fal-rest` below it. */
	falRoot: string;
	falQueue: string;
	falApi: string;
	falRest: string;
	/** WaveSpeed API base (`…/wavespeed/api/v3`). */
	wavespeed: string;
	/** What the WaveSpeed SDK takes as `baseUrl` (it appends `/api/v3` itself). */
	wavespeedSdk: string;
	/** Kling host (`…/kling`); paths continue with `/v1/videos/…`. */
	kling: string;
}

/** The base URLs of an emulator listening on `origin` (`http://127.0.0.1:4010`, a trailing slash is dropped). */
export function emulatorBaseUrls(origin: string): EmulatorBaseUrls {
	const url = origin.replace(/\/+$/, '');
	return {
		replicate: `${url}/replicate/v1`,
		falRoot: url,
		falQueue: `${url}/fal-queue`,
		falApi: `${url}/fal-api/v1`,
		falRest: `${url}/fal-rest`,
		wavespeed: `${url}/wavespeed/api/v3`,
		wavespeedSdk: `${url}/wavespeed`,
		kling: `${url}/kling`,
	};
}
