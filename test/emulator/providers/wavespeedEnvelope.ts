/** WaveSpeed's answer envelope `{code, message, data}`: HTTP status = code (200 on success). */
import type { RequestContext } from '../context';
import { sendJson } from '../respond';

export const envelope = (ctx: RequestContext, code: number, message: string, data: unknown) =>
	sendJson(ctx, code === 200 ? 200 : code, { code, message, data });

export const ok = (ctx: RequestContext, data: unknown) => envelope(ctx, 200, 'success', data);
