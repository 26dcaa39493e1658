/**
 * A finished job's video, rendered by the MP4 generator (mp4/) from what the job recorded:
 * frame shape (aspect ratio or start image), length, audio track, label. Rendered on first
 * need (a download, or fal's result with its `file_size`) and cached by the generator; the
 * same job always gives the same bytes, so ETags and resumed Range downloads stay valid.
 */
import { frameSizeFor, frameSizeForImage, renderVideo } from './mp4/index';
import type { EmulatedJob } from './types';

/** The MP4 as the provider's CDN serves it (before any `outputBytes` padding). */
export function outputVideo(job: Pick<EmulatedJob, 'aspectRatio' | 'imageSize' | 'durationSeconds' | 'withAudio' | 'label'>): Buffer {
	const frame = job.imageSize
		? frameSizeForImage(job.imageSize.width, job.imageSize.height)
		: frameSizeFor(job.aspectRatio ?? '16:9');
	return renderVideo({ ...frame, seconds: job.durationSeconds, withAudio: job.withAudio, label: job.label });
}
