/**
 * The answer a webhook gives a caller it does not start (or resume) an execution for: a status
 * and a JSON body, written to the response directly, so n8n sends nothing of its own.
 */
import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

export function answer(context: IWebhookFunctions, status: number, body: IDataObject): IWebhookResponseData {
	context.getResponseObject().status(status).json(body);
	return { noWebhookResponse: true };
}
