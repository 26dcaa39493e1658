/**
 * `npm run pack:local`: builds the package and packs it into .n8n-demo/pack/, the tarball a
 * self-hosted n8n installs exactly as it would install the package from npm.
 */
import { join } from 'node:path';
import { buildAndPack, REPO_ROOT } from './lib/n8n';

buildAndPack(join(process.env.KLING_DEMO_DIR ?? join(REPO_ROOT, '.n8n-demo'), 'pack'))
	.then((tarball) => {
		console.log(`${tarball}

Install it into your own n8n (then restart n8n):
  cd ~/.n8n/nodes && npm install --omit=peer ${tarball}
or, with Docker, mount it and run the same command inside the container's /home/node/.n8n/nodes.`);
	})
	.catch((error: Error) => {
		console.error(error.message);
		process.exit(1);
	});
