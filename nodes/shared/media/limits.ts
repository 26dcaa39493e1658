/**
 * Local checks of media inputs, with the limits the providers document (PROVIDERS.md: Kling and
 * WaveSpeed image rules, Kling and fal motion-reference lengths). Each check returns the
 * problem in words that name the value and what is allowed, or null.
 */
import type { CharacterOrientation } from '../job';
import { imageIntegrityProblem, videoIntegrityProblem } from './integrity';
import { looksLikeMp4, probeImage, probeMp4DurationSeconds, type ImageType } from './probe';

export const IMAGE_LIMITS = {
	types: ['png', 'jpeg', 'webp'] as readonly ImageType[],
	maxBytes: 10 * 1024 * 1024,
	minSidePixels: 300,
	/** Width / height between 1:2.5 and 2.5:1. */
	minAspect: 1 / 2.5,
	maxAspect: 2.5,
};

export const VIDEO_LIMITS = {
	maxBytes: 100 * 1024 * 1024,
	minSeconds: 3,
	/** fal and Kling: a reference clip may be 10 s when the character follows the image, 30 s when it follows the video. */
	maxSecondsByOrientation: { image: 10, video: 30 } as Record<CharacterOrientation, number>,
};

const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

const TYPE_NAMES: Record<ImageType, string> = { jpeg: 'JPG/JPEG', png: 'PNG', webp: 'WebP', gif: 'GIF', unknown: '' };

/** "JPG/JPEG, PNG and WebP", in that order. */
function listTypes(types: readonly ImageType[]): string {
	const names = (['jpeg', 'png', 'webp', 'gif'] as const).filter((type) => types.includes(type)).map((type) => TYPE_NAMES[type]);
	return names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}` : (names[0] ?? 'none');
}

/** `types`: the formats the provider takes (Kling and WaveSpeed document JPG and PNG only). */
export function checkImage(bytes: Buffer, types: readonly ImageType[] = IMAGE_LIMITS.types): string | null {
	if (bytes.length > IMAGE_LIMITS.maxBytes) {
		return `is ${megabytes(bytes.length)}; at most ${megabytes(IMAGE_LIMITS.maxBytes)} is allowed`;
	}
	const info = probeImage(bytes);
	if (!types.includes(info.type)) {
		const found = info.type === 'unknown' ? 'not a recognised image' : `a ${TYPE_NAMES[info.type]} image`;
		return `is ${found}; allowed are ${listTypes(types)}`;
	}
	// The whole file, not only its header: one cut short or corrupt is refused before upload.
	const broken = imageIntegrityProblem(bytes, info.type);
	if (broken) return broken;
	if (info.width === null || info.height === null) return 'has no readable width and height';
	const shortest = Math.min(info.width, info.height);
	if (shortest < IMAGE_LIMITS.minSidePixels) {
		return `is ${info.width}×${info.height} px; each side must be at least ${IMAGE_LIMITS.minSidePixels} px`;
	}
	const aspect = info.width / info.height;
	if (aspect < IMAGE_LIMITS.minAspect || aspect > IMAGE_LIMITS.maxAspect) {
		return `is ${info.width}×${info.height} px (aspect ${aspect.toFixed(2)}); the aspect ratio must be between 1:2.5 and 2.5:1`;
	}
	return null;
}

export function checkMotionVideo(bytes: Buffer, orientation: CharacterOrientation): string | null {
	if (bytes.length > VIDEO_LIMITS.maxBytes) {
		return `is ${megabytes(bytes.length)}; at most ${megabytes(VIDEO_LIMITS.maxBytes)} is allowed`;
	}
	if (!looksLikeMp4(bytes)) return 'is not an MP4 or MOV video';
	const broken = videoIntegrityProblem(bytes);
	if (broken) return broken;
	const seconds = probeMp4DurationSeconds(bytes);
	if (seconds === null) return 'has no readable duration (no moov/mvhd box)';
	const max = VIDEO_LIMITS.maxSecondsByOrientation[orientation];
	if (seconds < VIDEO_LIMITS.minSeconds || seconds > max) {
		return `is ${seconds.toFixed(1)} s long; with character orientation "${orientation}" it must be ${VIDEO_LIMITS.minSeconds}–${max} s`;
	}
	return null;
}
