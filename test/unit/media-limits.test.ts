import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkImage, checkMotionVideo } from '../../nodes/shared/media/limits';
import { probeImage, probeMp4DurationSeconds } from '../../nodes/shared/media/probe';
import { makeGif, makeJpeg, makePng, makeWebp } from '../fixtures/images';
import { makeMp4WithDuration } from '../fixtures/videos';

describe('probeImage', () => {
	it.each([
		['png', makePng(640, 360)],
		['jpeg', makeJpeg(640, 360)],
		['webp', makeWebp(640, 360)],
		['gif', makeGif(640, 360)],
	])('reads the size of a %s', (type, bytes) => {
		expect(probeImage(bytes)).toEqual({ type, width: 640, height: 360 });
	});

	it('does not mistake text for an image', () => {
		expect(probeImage(Buffer.from('hello, this is not an image')).type).toBe('unknown');
	});
});

describe('checkImage', () => {
	it('accepts a 1280×720 PNG', () => {
		expect(checkImage(makePng(1280, 720))).toBeNull();
	});

	it('names the size of an image over 10 MB', () => {
		expect(checkImage(makePng(1280, 720, 12 * 1024 * 1024))).toMatch(/is 12\.0 MB; at most 10\.0 MB/);
	});

	it('refuses a side under 300 px', () => {
		expect(checkImage(makePng(200, 200))).toMatch(/200×200 px; each side must be at least 300 px/);
	});

	it('refuses an aspect ratio beyond 1:2.5', () => {
		expect(checkImage(makePng(400, 1200))).toMatch(/400×1200 px \(aspect 0\.33\).*between 1:2\.5 and 2\.5:1/);
	});

	it('refuses a GIF by name', () => {
		expect(checkImage(makeGif(640, 640))).toMatch(/is a GIF image; allowed are JPG\/JPEG, PNG and WebP/);
	});
});

describe('motion reference video', () => {
	it('reads the duration of the real fixture', () => {
		const bytes = readFileSync(join(__dirname, '../fixtures/media/video-with-audio.mp4'));
		const seconds = probeMp4DurationSeconds(bytes);
		expect(seconds).toBeGreaterThan(0.5);
		expect(seconds).toBeLessThan(5);
	});

	it('allows 30 s when the character follows the video, not when it follows the image', () => {
		expect(checkMotionVideo(makeMp4WithDuration(25), 'video')).toBeNull();
		expect(checkMotionVideo(makeMp4WithDuration(25), 'image')).toMatch(/25\.0 s long; with character orientation "image" it must be 3–10 s/);
		expect(checkMotionVideo(makeMp4WithDuration(40), 'video')).toMatch(/40\.0 s long.*3–30 s/);
	});

	it('refuses something that is not a video', () => {
		expect(checkMotionVideo(makePng(640, 640), 'image')).toMatch(/not an MP4 or MOV/);
	});
});
