/** The HTTP layer of the package: the one client for provider calls and downloads, its retry policy, and the event-stream reader for streamed answers. */
export * from './client';
export * from './retry';
export * from './sse';
