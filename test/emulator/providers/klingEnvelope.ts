/** Kling's answer envelope `{code, message, request_id, data}`; `code: 0` is success. */
import { randomUUID } from 'node:crypto';
import type { RequestContext } from '../context';
import { sendJson } from '../respond';

export const answer = (ctx: RequestContext, httpStatus: number, code: number, message: string, data: unknown = null) =>
	sendJson(ctx, httpStatus, { code, message, request_id: randomUUID(), data });

/** Kling's own wording for a bad parameter (HTTP 400, code 1201, "see message"). */
export const invalidParameter = (ctx: RequestContext, message: string) => answer(ctx, 400, 1201, message);

/** `pageNum` / `pageSize` of a list route; null (after answering 1201) when out of range. */
export function paging(ctx: RequestContext, maxPageSize: number): { pageNum: number; pageSize: number } | null {
	const read = (name: string, fallback: number) => {
		const raw = ctx.url.searchParams.get(name);
		return raw === null ? fallback : /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
	};
	const pageNum = read('pageNum', 1);
	const pageSize = read('pageSize', 30);
	if (!(pageNum >= 1 && pageNum <= 1000) || !(pageSize >= 1 && pageSize <= maxPageSize)) {
		invalidParameter(ctx, `pageNum must be 1..1000 and pageSize 1..${maxPageSize}`);
		return null;
	}
	return { pageNum, pageSize };
}
