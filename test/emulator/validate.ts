/**
 * Field checks shared by the provider modules. A schema lists each field's type and allowed
 * values; `check` returns neutral issues, and every provider renders them in its own error
 * shape (Replicate 422 invalid_fields, fal pydantic list, WaveSpeed message, Kling code 1201).
 *
 * Additional fields are refused by default, like a validating API with `extra = forbid`: a
 * client that sends a field under a wrong name (`end_image` where the model takes
 * `last_image`) finds out here instead of having it ignored. `{ additional: 'ignored' }` turns
 * that off for bodies whose full field list no source gives.
 *
 * The schemas themselves live beside each provider (providers/*Schemas.ts), transcribed from
 * the providers' first-party contracts with a citation per entry; never from nodes/.
 */

export type Additional = 'refused' | 'ignored';

export type FieldRule =
	| { type: 'string'; required?: boolean; maxLength?: number; oneOf?: readonly string[] }
	| { type: 'integer'; required?: boolean; oneOf?: readonly number[]; min?: number; max?: number }
	| { type: 'number'; required?: boolean; min?: number; max?: number }
	| { type: 'boolean'; required?: boolean }
	/** An id that some sources show as a string and others as a number (Kling voice_id). */
	| { type: 'stringOrInteger'; required?: boolean }
	| { type: 'stringArray'; required?: boolean; minItems?: number; maxItems?: number }
	/** `items` omitted: each item must be an object, its fields are not checked (shape UNCONFIRMED). */
	| { type: 'objectArray'; required?: boolean; minItems?: number; maxItems?: number; items?: Schema }
	/** `properties` omitted: any object. */
	| { type: 'object'; required?: boolean; properties?: Schema };

export type Schema = Readonly<Record<string, FieldRule>>;

/**
 * `unknown`: a field the schema does not list. `rule`: a constraint across fields (or on a
 * value's meaning) that a schema cannot say, e.g. "either prompt or multi_prompt".
 */
export type IssueKind = 'missing' | 'type' | 'enum' | 'range' | 'length' | 'unknown' | 'rule';

export interface Issue {
	/** Dotted path, `voice_list[0].voice_id`; `''` for the body as a whole. */
	field: string;
	/** The same path as segments, `['voice_list', 0, 'voice_id']` (pydantic `loc` after "body"). */
	path: readonly (string | number)[];
	kind: IssueKind;
	/** Neutral wording, e.g. `duration must be one of: 5, 10`. */
	message: string;
	/** For pydantic-style errors: the JSON type expected (`string`, `int`, `bool`, …). */
	expectedType?: string;
	allowed?: readonly (string | number)[];
	given?: unknown;
}

export interface CheckOptions {
	/** Default `refused`. */
	additional?: Additional;
}

const TYPE_NAMES: Record<FieldRule['type'], string> = {
	string: 'string',
	integer: 'int',
	number: 'float',
	boolean: 'bool',
	stringOrInteger: 'string',
	stringArray: 'list',
	objectArray: 'list',
	object: 'dict',
};

const describe = (values: readonly (string | number)[]) => values.map((v) => JSON.stringify(v)).join(', ');

export const pathText = (path: readonly (string | number)[]) =>
	path.reduce<string>((text, part) => (typeof part === 'number' ? `${text}[${part}]` : text ? `${text}.${part}` : part), '');

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
	typeof value === 'object' && value !== null && !Array.isArray(value);

/** An issue about one field, for rules written beside the schemas. */
export function issue(
	path: string | readonly (string | number)[],
	kind: IssueKind,
	message: string,
	extra: Partial<Pick<Issue, 'expectedType' | 'allowed' | 'given'>> = {},
): Issue {
	const segments = typeof path === 'string' ? (path === '' ? [] : [path]) : path;
	return { field: pathText(segments), path: segments, kind, message, ...extra };
}

function between(rule: { min?: number; max?: number }): string {
	if (rule.min !== undefined && rule.max !== undefined) return `between ${rule.min} and ${rule.max}`;
	return rule.min !== undefined ? `at least ${rule.min}` : `at most ${rule.max}`;
}

function checkValue(path: readonly (string | number)[], rule: FieldRule, value: unknown, options: CheckOptions): Issue[] {
	const field = pathText(path);
	const typeIssue = (what: string): Issue[] => [
		issue(path, 'type', `${field} must be ${what}`, {
			expectedType: TYPE_NAMES[rule.type],
			// A literal field given the wrong type is still a literal error for pydantic (fal).
			allowed: 'oneOf' in rule ? rule.oneOf : undefined,
			given: value,
		}),
	];
	const one = (kind: IssueKind, message: string, extra: Partial<Issue> = {}) => [issue(path, kind, message, { given: value, ...extra })];
	switch (rule.type) {
		case 'string':
			if (typeof value !== 'string') return typeIssue('a string');
			if (rule.oneOf && !rule.oneOf.includes(value)) {
				return one('enum', `${field} must be one of: ${describe(rule.oneOf)}`, { allowed: rule.oneOf });
			}
			if (rule.maxLength !== undefined && value.length > rule.maxLength) {
				return one('length', `${field} must be at most ${rule.maxLength} characters`);
			}
			if (rule.required && value.trim() === '') return one('missing', `${field} must not be empty`);
			return [];
		case 'integer':
			if (typeof value !== 'number' || !Number.isInteger(value)) return typeIssue('an integer');
			if (rule.oneOf && !rule.oneOf.includes(value)) {
				return one('enum', `${field} must be one of: ${describe(rule.oneOf)}`, { allowed: rule.oneOf });
			}
			if ((rule.min !== undefined && value < rule.min) || (rule.max !== undefined && value > rule.max)) {
				return one('range', `${field} must be ${between(rule)}`);
			}
			return [];
		case 'number':
			if (typeof value !== 'number' || !Number.isFinite(value)) return typeIssue('a number');
			if ((rule.min !== undefined && value < rule.min) || (rule.max !== undefined && value > rule.max)) {
				return one('range', `${field} must be ${between(rule)}`);
			}
			return [];
		case 'boolean':
			return typeof value === 'boolean' ? [] : typeIssue('a boolean');
		case 'stringOrInteger':
			return typeof value === 'string' || (typeof value === 'number' && Number.isInteger(value)) ? [] : typeIssue('a string or an integer');
		case 'object':
			if (!isPlainObject(value)) return typeIssue('an object');
			return rule.properties ? checkObject(value, rule.properties, options, path) : [];
		case 'stringArray':
		case 'objectArray': {
			const wantsObjects = rule.type === 'objectArray';
			if (!Array.isArray(value) || !value.every((item) => (wantsObjects ? isPlainObject(item) : typeof item === 'string'))) {
				return typeIssue(wantsObjects ? 'a list of objects' : 'a list of strings');
			}
			if (rule.maxItems !== undefined && value.length > rule.maxItems) {
				return one('length', `${field} must have at most ${rule.maxItems} items`);
			}
			if (rule.minItems !== undefined && value.length < rule.minItems) {
				return one('length', `${field} must have at least ${rule.minItems} items`);
			}
			if (rule.type === 'objectArray' && rule.items) {
				const items = rule.items;
				return value.flatMap((item, index) => checkObject(item as Record<string, unknown>, items, options, [...path, index]));
			}
			return [];
		}
	}
}

function checkObject(
	input: Record<string, unknown>,
	schema: Schema,
	options: CheckOptions,
	prefix: readonly (string | number)[],
): Issue[] {
	const issues: Issue[] = [];
	for (const [name, rule] of Object.entries(schema)) {
		const path = [...prefix, name];
		const value = input[name];
		if (value === undefined || value === null) {
			if (rule.required) issues.push(issue(path, 'missing', `${pathText(path)} is required`));
			continue;
		}
		issues.push(...checkValue(path, rule, value, options));
	}
	if ((options.additional ?? 'refused') === 'refused') {
		for (const name of Object.keys(input)) {
			if (Object.prototype.hasOwnProperty.call(schema, name)) continue;
			const path = [...prefix, name];
			issues.push(issue(path, 'unknown', `${pathText(path)} is not an accepted field`, { given: input[name] }));
		}
	}
	return issues;
}

/** Issues with `input` against `schema`: listed fields in schema order, then unknown fields. */
export function check(input: Record<string, unknown>, schema: Schema, options: CheckOptions = {}): Issue[] {
	return checkObject(input, schema, options, []);
}

/** Present for a rule: set and not null (an explicit null reads as absent, as in `check`). */
export const given = (value: unknown) => value !== undefined && value !== null;
