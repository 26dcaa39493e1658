/**
 * `npm run emulator`: the provider emulator as a standalone server for a real n8n (or curl).
 * Timings default to something a person can watch (2 s queued, 6 s running).
 *
 *   npm run emulator -- --port 4010 --host 127.0.0.1 --queued-ms 2000 --running-ms 6000
 *                       [--concurrency-limit N] [--output-bytes N]
 */
import { CLI_TIMINGS, startEmulator, type Emulator } from './index';

const USAGE = `Usage: npm run emulator -- [--port 4010] [--host 127.0.0.1] [--queued-ms ${CLI_TIMINGS.queuedMs}] [--running-ms ${CLI_TIMINGS.runningMs}] [--concurrency-limit N] [--output-bytes N]`;

function parseArgs(argv: string[]): Record<string, string> {
	const args: Record<string, string> = {};
	for (let i = 0; i < argv.length; i++) {
		const [flag, inline] = argv[i].split('=', 2);
		if (!flag.startsWith('--')) throw new Error(`unexpected argument ${argv[i]}`);
		const name = flag.slice(2);
		if (name === 'help') {
			args.help = 'true';
			continue;
		}
		const value = inline ?? argv[++i];
		if (value === undefined) throw new Error(`${flag} needs a value`);
		args[name] = value;
	}
	return args;
}

function number(args: Record<string, string>, name: string): number | undefined {
	if (args[name] === undefined) return undefined;
	const value = Number(args[name]);
	if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} must be a number >= 0`);
	return value;
}

function describe(emulator: Emulator): string {
	const c = emulator.credentials;
	const u = emulator.baseUrls;
	return `Kling video provider emulator listening on ${emulator.url}

Point each credential's base URL (advanced option) at it and use these keys:
  Replicate   base URL ${u.replicate}
              API token ${c.replicateToken}
              webhook secret ${c.replicateWebhookSecret}
  fal.ai      base URL ${u.falRoot}  (queue ${u.falQueue}, api ${u.falApi}, rest ${u.falRest})
              API key ${c.falKey}
              webhook JWKS ${u.falRest}/.well-known/jwks.json (user id ${c.falUserId})
  WaveSpeed   base URL ${u.wavespeed}
              API key ${c.wavespeedKey}
              webhook secret ${c.wavespeedWebhookSecret}
  Kling API   base URL ${u.kling}
              access key ${c.klingAccessKey}
              secret key ${c.klingSecretKey}

Controls: GET ${emulator.url}/_emulator/ lists them (counters, jobs, faults, config, reset).
Timings: queued ${emulator.config().queuedMs} ms, running ${emulator.config().runningMs} ms. Ctrl-C stops.`;
}

async function main(): Promise<void> {
	const args = parseArgs(process.argv.slice(2));
	if (args.help) {
		console.log(USAGE);
		return;
	}
	const emulator = await startEmulator({
		port: number(args, 'port') ?? 4010,
		host: args.host ?? '127.0.0.1',
		timings: {
			queuedMs: number(args, 'queued-ms') ?? CLI_TIMINGS.queuedMs,
			runningMs: number(args, 'running-ms') ?? CLI_TIMINGS.runningMs,
		},
		concurrencyLimit: number(args, 'concurrency-limit'),
		outputBytes: number(args, 'output-bytes'),
	});
	console.log(describe(emulator));
	const stop = () => {
		void emulator.close().then(() => process.exit(0));
	};
	process.once('SIGINT', stop);
	process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
	console.error((error as Error).message);
	console.error(USAGE);
	process.exit(1);
});
