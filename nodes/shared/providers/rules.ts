/**
 * Rules across fields that providers enforce, written once and cited by each table row that
 * holds them. Each returns a message in the panel's words ("<Field> is <value> with …: allowed
 * are …"), or null.
 */
import { DEFAULTS, type VideoRequest } from '../job';
import { MODE_LABELS } from '../labels';
import type { Rule, Source } from './table';

const hasAudio = (request: VideoRequest) =>
	(request.operation === 'textToVideo' || request.operation === 'imageToVideo') && request.generateAudio;
const voicesOf = (request: VideoRequest) => ('voiceIds' in request ? (request.voiceIds ?? []) : []);
const endImageOf = (request: VideoRequest) => (request.operation === 'imageToVideo' ? request.endImage : undefined);
/** The mode the request states, else the default (Pro): a rule sees the request, not the row. */
const askedMode = (request: VideoRequest) => ('mode' in request && request.mode) || DEFAULTS.mode;

/** Voices are spoken in the audio, so they need Generate Audio on. */
export const voicesNeedAudio = (source: Source): Rule => ({
	source,
	check: (request) =>
		voicesOf(request).length > 0 && !hasAudio(request)
			? `Voice IDs are ${voicesOf(request).join(', ')} with Generate Audio off: voices are spoken in the audio; allowed are Generate Audio on, or no Voice IDs`
			: null,
});

/** The model has audio only in mode Pro. */
export const audioNeedsPro = (modelLabel: string, source: Source): Rule => ({
	source,
	check: (request) =>
		hasAudio(request) && askedMode(request) !== 'pro'
			? `Mode is ${MODE_LABELS[askedMode(request)]} with Generate Audio on: ${modelLabel} has audio only in mode Pro; allowed are Mode Pro, or Generate Audio off`
			: null,
});

/** An end frame only in mode Pro. */
export const endImageNeedsPro = (modelLabel: string, source: Source): Rule => ({
	source,
	check: (request) =>
		endImageOf(request) && askedMode(request) !== 'pro'
			? `Mode is ${MODE_LABELS[askedMode(request)]} with an End Image: ${modelLabel} takes an end frame only in mode Pro; allowed are Mode Pro, or no End Image`
			: null,
});

/** An end frame only without audio. */
export const endImageWithoutAudio = (modelLabel: string, source: Source): Rule => ({
	source,
	check: (request) =>
		endImageOf(request) && hasAudio(request)
			? `Generate Audio is on with an End Image: ${modelLabel} takes an end frame only without audio; allowed are Generate Audio off, or no End Image`
			: null,
});

/** The motion reference video only by http(s) URL (no upload route, no inline video). */
export const motionVideoByUrl = (providerName: string, source: Source): Rule => ({
	source,
	check: (request) =>
		request.operation === 'motionControl' && !/^https?:\/\//i.test(request.video)
			? `Motion Reference Video is ${request.video.slice(0, 60)}: ${providerName} takes it only by URL; allowed is an http(s) URL`
			: null,
});

/** The voice sample only by http(s) URL (the provider has no upload route). */
export const voiceSampleByUrl = (providerName: string, source: Source): Rule => ({
	source,
	check: (request) =>
		request.operation === 'createVoice' && !/^https?:\/\//i.test(request.voiceUrl)
			? `Voice Sample is ${request.voiceUrl.slice(0, 60)}: ${providerName} takes it only by URL; allowed is an http(s) URL`
			: null,
});
