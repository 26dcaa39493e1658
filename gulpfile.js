// Copies the SVG icons next to the compiled nodes and credentials: n8n loads `file:` icons
// relative to the .js file, and tsc copies only TypeScript and JSON.
const { src, dest, task } = require('gulp');

task('build:icons', () =>
	src(['nodes/**/*.{png,svg}', 'credentials/**/*.{png,svg}'], { base: '.', encoding: false }).pipe(dest('dist')),
);
