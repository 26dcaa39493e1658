/**
 * Credentials for harness runs: an `ICredentialsHelper` (n8n-workflow's abstract class, the
 * same contract as the CLI's `CredentialsHelper`) that serves the test's plain credential
 * data per credential type, after the treatment n8n gives stored data in `getDecrypted`:
 * the credential type's defaults are applied (hidden fields dropped per displayOptions) and
 * expressions in the data are resolved. `authenticate` applies the type's `authenticate`
 * (function or generic) for `httpRequestWithAuthentication`.
 *
 * Credential types are read from the package's `credentials/*.credentials.ts` on first use.
 */
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import path from 'node:path';

import { Credentials, getAdditionalKeys } from 'n8n-core';
import {
	ICredentialsHelper,
	isExpression,
	NodeHelpers,
	UnexpectedError,
	type ICredentialDataDecryptedObject,
	type ICredentials,
	type ICredentialsExpressionResolveValues,
	type ICredentialType,
	type IExecuteData,
	type IHttpRequestHelper,
	type IHttpRequestOptions,
	type INode,
	type INodeCredentialsDetails,
	type INodeParameters,
	type INodeProperties,
	type IRequestOptionsSimplified,
	type IWorkflowExecuteAdditionalData,
	type Workflow,
	type WorkflowExecuteMode,
} from 'n8n-workflow';

/** Plain (decrypted) credential data per credential type name. */
export interface HarnessCredentials {
	[credentialType: string]: ICredentialDataDecryptedObject;
}

/**
 * The id a node's reference to `data` carries. In n8n two different credentials never share an
 * id, and the package keeps per-id state (the connection a webhook delivery is checked with), so
 * the harness gives different data different ids. A test of an edited credential sets the node's
 * `credentials` itself, with one id over changing data.
 */
export function credentialIdFor(type: string, data: ICredentialDataDecryptedObject | undefined): string {
	return `harness-${type}-${createHash('sha256').update(JSON.stringify(data ?? null)).digest('hex').slice(0, 16)}`;
}

/** One `getDecrypted` call, for assertions ("the node asked for klingVideoFalApi"). */
export interface CredentialRequest {
	type: string;
	nodeName?: string;
	credentialId?: string | null;
}

const PACKAGE_ROOT = path.resolve(__dirname, '../..');

let packageCredentialTypes: Map<string, ICredentialType> | undefined;

/** The package's own credential types, by name (`klingVideoReplicateApi`, …). */
export function loadPackageCredentialTypes(): Map<string, ICredentialType> {
	if (packageCredentialTypes) return packageCredentialTypes;
	const types = new Map<string, ICredentialType>();
	const folder = path.join(PACKAGE_ROOT, 'credentials');
	let files: string[] = [];
	try {
		files = readdirSync(folder).filter((file) => file.endsWith('.credentials.ts'));
	} catch {
		files = [];
	}
	for (const file of files) {
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const exported = require(path.join(folder, file)) as Record<string, unknown>;
		for (const value of Object.values(exported)) {
			if (typeof value !== 'function') continue;
			const instance = new (value as new () => ICredentialType)();
			if (typeof instance?.name === 'string' && Array.isArray(instance.properties)) types.set(instance.name, instance);
		}
	}
	packageCredentialTypes = types;
	return types;
}

export class HarnessCredentialsHelper extends ICredentialsHelper {
	/** Every `getDecrypted` call, in order. */
	readonly requests: CredentialRequest[] = [];

	private readonly types: Map<string, ICredentialType>;

	constructor(
		private readonly data: HarnessCredentials,
		extraTypes: ICredentialType[] = [],
	) {
		super();
		this.types = new Map(loadPackageCredentialTypes());
		for (const type of extraTypes) this.types.set(type.name, type);
	}

	getCredentialType(name: string): ICredentialType | undefined {
		return this.types.get(name);
	}

	getParentTypes(name: string): string[] {
		const type = this.types.get(name);
		const parents = type?.extends ?? [];
		return parents.flatMap((parent) => [parent, ...this.getParentTypes(parent)]);
	}

	isCredentialUsableByNode(credentialType: string, nodeType: string): boolean {
		const type = this.types.get(credentialType);
		if (!type?.restrictToSupportedNodes) return true;
		return (type.supportedNodes ?? []).includes(nodeType);
	}

	getCredentialsProperties(type: string): INodeProperties[] {
		const credentialType = this.types.get(type);
		if (!credentialType) return [];
		const parents = (credentialType.extends ?? []).flatMap((parent) => this.getCredentialsProperties(parent));
		const own = credentialType.properties;
		return [...parents.filter((p) => !own.some((o) => o.name === p.name)), ...own];
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		incomingRequestOptions: IHttpRequestOptions | IRequestOptionsSimplified,
		workflow?: Workflow,
		node?: INode,
	): Promise<IHttpRequestOptions> {
		const requestOptions = incomingRequestOptions as IHttpRequestOptions;
		const credentialType = this.types.get(typeName);
		const authenticate = credentialType?.authenticate;
		if (!authenticate) return requestOptions;
		if (typeof authenticate === 'function') return await authenticate(credentials, requestOptions);
		if (authenticate.type !== 'generic') return requestOptions;
		requestOptions.headers ??= {};
		const resolve = (value: string | number): string | number => {
			if (typeof value !== 'string' || !isExpression(value)) return value;
			if (!workflow || !node) {
				throw new UnexpectedError('Workflow and node are required for declarative credential authentication');
			}
			const resolved = workflow.expression.getSimpleParameterValue(node, value, 'internal', { $credentials: credentials }, undefined, '');
			return resolved ? String(resolved as string) : '';
		};
		for (const [outerKey, outerValue] of Object.entries(authenticate.properties)) {
			const target = ((requestOptions as unknown as Record<string, Record<string, unknown>>)[outerKey] ??= {});
			for (const [key, value] of Object.entries(outerValue as Record<string, string | number>)) {
				target[String(resolve(key))] = resolve(value);
			}
		}
		return requestOptions;
	}

	async preAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		_node: INode,
		credentialsExpired: boolean,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const credentialType = this.types.get(typeName);
		const expirable = credentialType?.properties.find((p) => p.type === 'hidden' && p.typeOptions?.expirable === true);
		if (!credentialType?.preAuthentication || !expirable) return undefined;
		if (credentials[expirable.name] !== '' && !credentialsExpired) return undefined;
		const output = await credentialType.preAuthentication.call(helpers, credentials);
		if (output[expirable.name] === undefined) return undefined;
		this.data[typeName] = { ...(this.data[typeName] ?? {}), ...output } as ICredentialDataDecryptedObject;
		return Object.assign(credentials, output);
	}

	async runPreAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const credentialType = this.types.get(typeName);
		if (typeof credentialType?.preAuthentication !== 'function') return undefined;
		return ((await credentialType.preAuthentication.call(helpers, credentials)) as ICredentialDataDecryptedObject) ?? undefined;
	}

	async getCredentials(nodeCredentials: INodeCredentialsDetails, type: string): Promise<ICredentials> {
		const credentials = new Credentials({ id: nodeCredentials.id, name: nodeCredentials.name }, type);
		await credentials.setData(this.rawData(type));
		return credentials;
	}

	async getDecrypted(
		additionalData: IWorkflowExecuteAdditionalData,
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		mode: WorkflowExecuteMode,
		executeData?: IExecuteData,
		raw?: boolean,
		expressionResolveValues?: ICredentialsExpressionResolveValues,
	): Promise<ICredentialDataDecryptedObject> {
		this.requests.push({ type, nodeName: expressionResolveValues?.node.name ?? executeData?.node.name, credentialId: nodeCredentials?.id });
		const stored = this.rawData(type);
		if (raw) return stored;
		const properties = this.getCredentialsProperties(type);
		let data = (properties.length
			? NodeHelpers.getNodeParameters(properties, stored as INodeParameters, true, false, null, null)
			: { ...stored }) as ICredentialDataDecryptedObject;
		if (expressionResolveValues) {
			const { workflow, runExecutionData, runIndex, itemIndex, node, connectionInputData } = expressionResolveValues;
			const additionalKeys = getAdditionalKeys(additionalData, mode, null, { isCredential: true });
			data = workflow.expression.getParameterValue(
				data as INodeParameters,
				runExecutionData,
				runIndex,
				itemIndex,
				node.name,
				connectionInputData,
				mode,
				additionalKeys,
				executeData,
				false,
				data as INodeParameters,
			) as ICredentialDataDecryptedObject;
		}
		return data;
	}

	async updateCredentials(_nodeCredentials: INodeCredentialsDetails, type: string, data: ICredentialDataDecryptedObject): Promise<void> {
		this.data[type] = data;
	}

	async updateCredentialsOauthTokenData(
		_nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		this.data[type] = { ...(this.data[type] ?? {}), ...data };
	}

	private rawData(type: string): ICredentialDataDecryptedObject {
		const data = this.data[type];
		if (data === undefined) {
			throw new UnexpectedError(`The harness was given no credentials of type "${type}"`, { extra: { type } });
		}
		return { ...data };
	}
}
