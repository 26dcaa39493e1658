/**
 * The unified vocabulary as the panel shows it: field labels, operations and modes by name.
 * Every message about a request speaks these
 * words, never internal values.
 */
import type { GenerationOperation, Mode } from './job';
import type { RequestField } from './providers/types';

export const FIELD_LABELS: Record<RequestField, string> = {
	prompt: 'Prompt',
	negativePrompt: 'Negative Prompt',
	duration: 'Duration',
	aspectRatio: 'Aspect Ratio',
	generateAudio: 'Generate Audio',
	cfgScale: 'CFG Scale',
	mode: 'Mode',
	startImage: 'Start Image',
	endImage: 'End Image',
	voiceIds: 'Voice IDs',
	image: 'Character Image',
	video: 'Motion Reference Video',
	characterOrientation: 'Character Orientation',
	keepOriginalSound: 'Keep Original Sound',
	voiceUrl: 'Voice Sample',
	voiceName: 'Voice Name',
};

export const OPERATION_LABELS: Record<GenerationOperation, string> = {
	textToVideo: 'Text to Video',
	imageToVideo: 'Image to Video',
	motionControl: 'Motion Control',
	createVoice: 'Create Voice',
};

export const MODE_LABELS: Record<Mode, string> = { pro: 'Pro', std: 'Standard' };

/** A value as a message quotes it: text in quotes, anything else as JSON. */
export const quote = (value: unknown) => (typeof value === 'string' ? `"${value}"` : JSON.stringify(value));

/** "a, b and c". */
export function listWords(words: readonly string[]): string {
	if (words.length < 2) return words[0] ?? 'none';
	return `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}
