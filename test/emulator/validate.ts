/**
 * Field checks shared by the provider modules. A schema lists each field's type and allowed
 * values; `check` returns neutral issues, and every provider renders them in its own error
 * shape (Replicate 422 detail, fal pydantic list, WaveSpeed message, Kling code 1201). Unknown
 * fields are ignored, as the providers do.
 */

export type FieldRule =
	| { type: 'string'; required?: boolean; maxLength?: number; oneOf?: readonly string[] }
	| { type: 'integer'; required?: boolean; oneOf?: readonly number[] }
	| { type: 'number'; required?: boolean; min?: number; max?: number }
	| { type: 'boolean'; required?: boolean }
	| { type: 'stringArray'; required?: boolean; maxItems?: number }
	| { type: 'objectArray'; required?: boolean; maxItems?: number };

export type Schema = Readonly<Record<string, FieldRule>>;

export type IssueKind = 'missing' | 'type' | 'enum' | 'range' | 'length';

export interface Issue {
	field: string;
	kind: IssueKind;
	/** Neutral wording, e.g. `duration must be one of: 5, 10`. */
	message: string;
	/** For pydantic-style errors: the JSON type expected (`string`, `int`, `bool`, …). */
	expectedType?: string;
	allowed?: readonly (string | number)[];
	given?: unknown;
}

const TYPE_NAMES: Record<FieldRule['type'], string> = {
	string: 'string',
	integer: 'int',
	number: 'float',
	boolean: 'bool',
	stringArray: 'list',
	objectArray: 'list',
};

const describe = (values: readonly (string | number)[]) => values.map((v) => JSON.stringify(v)).join(', ');

function checkField(field: string, rule: FieldRule, value: unknown): Issue | null {
	const typeIssue = (what: string): Issue => ({
		field,
		kind: 'type',
		message: `${field} must be ${what}`,
		expectedType: TYPE_NAMES[rule.type],
		// A literal field given the wrong type is still a literal error for pydantic (fal).
		allowed: 'oneOf' in rule ? rule.oneOf : undefined,
		given: value,
	});
	switch (rule.type) {
		case 'string':
			if (typeof value !== 'string') return typeIssue('a string');
			if (rule.oneOf && !rule.oneOf.includes(value)) {
				return { field, kind: 'enum', message: `${field} must be one of: ${describe(rule.oneOf)}`, allowed: rule.oneOf, given: value };
			}
			if (rule.maxLength !== undefined && value.length > rule.maxLength) {
				return { field, kind: 'length', message: `${field} must be at most ${rule.maxLength} characters`, given: value };
			}
			if (rule.required && value.trim() === '') {
				return { field, kind: 'missing', message: `${field} must not be empty`, given: value };
			}
			return null;
		case 'integer':
			if (typeof value !== 'number' || !Number.isInteger(value)) return typeIssue('an integer');
			if (rule.oneOf && !rule.oneOf.includes(value)) {
				return { field, kind: 'enum', message: `${field} must be one of: ${describe(rule.oneOf)}`, allowed: rule.oneOf, given: value };
			}
			return null;
		case 'number':
			if (typeof value !== 'number' || !Number.isFinite(value)) return typeIssue('a number');
			if ((rule.min !== undefined && value < rule.min) || (rule.max !== undefined && value > rule.max)) {
				return { field, kind: 'range', message: `${field} must be between ${rule.min} and ${rule.max}`, given: value };
			}
			return null;
		case 'boolean':
			return typeof value === 'boolean' ? null : typeIssue('a boolean');
		case 'stringArray':
		case 'objectArray': {
			const itemOk = (item: unknown) =>
				rule.type === 'stringArray' ? typeof item === 'string' : typeof item === 'object' && item !== null;
			if (!Array.isArray(value) || !value.every(itemOk)) {
				return typeIssue(rule.type === 'stringArray' ? 'a list of strings' : 'a list of objects');
			}
			if (rule.maxItems !== undefined && value.length > rule.maxItems) {
				return { field, kind: 'length', message: `${field} must have at most ${rule.maxItems} items`, given: value };
			}
			return null;
		}
	}
}

export function check(input: Record<string, unknown>, schema: Schema): Issue[] {
	const issues: Issue[] = [];
	for (const [field, rule] of Object.entries(schema)) {
		const value = input[field];
		if (value === undefined || value === null) {
			if (rule.required) issues.push({ field, kind: 'missing', message: `${field} is required` });
			continue;
		}
		const issue = checkField(field, rule, value);
		if (issue) issues.push(issue);
	}
	return issues;
}

/** A media reference the providers accept by URL: http(s) or a data URL. */
export const isUrlOrDataUrl = (value: unknown) => typeof value === 'string' && /^(https?:\/\/|data:)/i.test(value);
