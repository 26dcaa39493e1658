/**
 * Every image, video or audio input takes either a URL or an n8n binary property. Each media
 * field becomes three parameters: the source switch, the URL and the binary property name.
 */
import type { IDisplayOptions, INodeProperties } from 'n8n-workflow';
import type { RequestField } from '../../../shared/providers/types';

export const MEDIA_FIELDS: readonly RequestField[] = ['startImage', 'endImage', 'image', 'video', 'voiceUrl'];

interface MediaFieldText {
	label: string;
	what: string;
	optional: boolean;
	urlPlaceholder: string;
}

export const MEDIA_FIELD_TEXT: Record<string, MediaFieldText> = {
	startImage: { label: 'Start Image', what: 'the first frame of the video', optional: false, urlPlaceholder: 'https://example.com/first-frame.png' },
	endImage: { label: 'End Image', what: 'the last frame of the video', optional: true, urlPlaceholder: 'https://example.com/last-frame.png' },
	image: { label: 'Character Image', what: 'the character to animate', optional: false, urlPlaceholder: 'https://example.com/character.png' },
	video: { label: 'Motion Reference Video', what: 'the motion to copy (MP4 or MOV)', optional: false, urlPlaceholder: 'https://example.com/dance.mp4' },
	voiceUrl: { label: 'Voice Sample', what: 'a 5–30 s audio or video clip of the voice', optional: false, urlPlaceholder: 'https://example.com/voice.mp3' },
};

/** What a media field's parameters are called: what the input is, not the request field's name. */
const PARAMETER_BASE: Partial<Record<RequestField, string>> = {
	startImage: 'startImage',
	endImage: 'endImage',
	image: 'characterImage',
	video: 'motionVideo',
	voiceUrl: 'voiceSample',
};

export const mediaParameterNames = (field: RequestField) => {
	const base = PARAMETER_BASE[field] ?? field;
	return { source: `${base}Source`, url: `${base}Url`, binaryProperty: `${base}BinaryProperty` };
};

/** The three parameters of a media field, shown under `show` (the display conditions of its offers). */
export function mediaProperties(field: RequestField, show: NonNullable<IDisplayOptions['show']>): INodeProperties[] {
	const text = MEDIA_FIELD_TEXT[field];
	const names = mediaParameterNames(field);
	const sourceOptions = [
		{ name: 'URL', value: 'url' },
		{ name: 'Binary File', value: 'binary' },
	];
	if (text.optional) sourceOptions.unshift({ name: 'None', value: 'none' });
	const defaultSource = text.optional ? 'none' : 'url';
	return [
		{
			displayName: `${text.label} Source`,
			name: names.source,
			type: 'options',
			options: sourceOptions,
			default: defaultSource,
			description: `Where ${text.what} comes from`,
			displayOptions: { show },
		},
		{
			displayName: `${text.label} URL`,
			name: names.url,
			type: 'string',
			default: '',
			required: true,
			placeholder: text.urlPlaceholder,
			description: `Public https URL of ${text.what}`,
			displayOptions: { show: { ...show, [names.source]: ['url'] } },
		},
		{
			displayName: `${text.label} Binary Property`,
			name: names.binaryProperty,
			type: 'string',
			default: 'data',
			required: true,
			description: `Name of the input binary property that holds ${text.what}`,
			displayOptions: { show: { ...show, [names.source]: ['binary'] } },
		},
	];
}
