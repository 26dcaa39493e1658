/**
 * The Voice IDs picker: the voices the credential's account can use, its own first, then the
 * provider's presets. Only for providers that list voices (their `listVoices`).
 */
import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { connectProvider } from '../../../shared/connect';
import { PROVIDER_IDS, type ProviderId } from '../../../shared/job';

export async function listVoices(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const provider = this.getCurrentNodeParameter('provider') as ProviderId;
	if (!PROVIDER_IDS.includes(provider)) throw new NodeOperationError(this.getNode(), `Provider is "${String(provider)}": no voices to list`);
	const client = await connectProvider(this, provider);
	if (!client.listVoices) return [];
	const voices = await client.listVoices();
	return voices.map((voice) => ({
		name: `${voice.name} (${voice.preset ? 'Preset' : 'Your Voice'})`,
		value: voice.voiceId,
		description: voice.trialUrl ? `Sample: ${voice.trialUrl}` : `Voice ID ${voice.voiceId}`,
	}));
}
