/** The frame size read from an MP4's first video track: how the demo and e2e tell 16:9 from 9:16 and 1:1. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { probeMp4FrameSize } from '../../nodes/shared/media/probe';
import { renderVideo } from '../emulator/mp4';

describe('probeMp4FrameSize', () => {
	it('reads the fixture (64x36, with an audio track beside the video)', () => {
		expect(probeMp4FrameSize(readFileSync(join(__dirname, '..', 'fixtures', 'media', 'video-with-audio.mp4')))).toEqual({ width: 64, height: 36 });
	});

	it.each([
		[192, 108, true],
		[108, 192, false],
		[144, 144, true],
	])('reads %ix%i (audio %s)', (width, height, withAudio) => {
		expect(probeMp4FrameSize(renderVideo({ width, height, seconds: 5, withAudio, label: 'probe' }))).toEqual({ width, height });
	});

	it('is null for bytes that are no MP4', () => {
		expect(probeMp4FrameSize(Buffer.from('not an mp4 at all'))).toBeNull();
	});
});
