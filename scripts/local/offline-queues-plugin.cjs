'use strict';
/**
 * A Serverless plugin that gives `serverless offline` the SQS side of the stack (see offline-queues.ts):
 * the delivery queue on the configured SQS endpoint, or on the project's local SQS server when none is
 * configured, and the worker invoked from it as Lambda's event source mapping would. It acts only on
 * `serverless offline`; packaging and deploying never load its code.
 */
const path = require('node:path');

class OfflineQueuesPlugin {
  constructor(serverless, cliOptions, utils) {
    this.serverless = serverless;
    this.cliOptions = cliOptions;
    this.log = utils.log;
    this.running = undefined;
    const start = () => this.start();
    this.hooks = { 'before:offline:start': start, 'before:offline:start:init': start };
  }

  start() {
    this.running ??= this.#start();
    return this.running;
  }

  async #start() {
    const { tsImport } = require('tsx/esm/api');
    const { startOfflineQueues } = await tsImport(path.join(__dirname, 'offline-queues.ts'), __filename);
    const service = this.serverless.service;
    const offline = service.custom?.['serverless-offline'] ?? {};
    const queues = await startOfflineQueues({
      servicePath: this.serverless.serviceDir ?? this.serverless.config.servicePath,
      resources: service.resources,
      functions: Object.fromEntries(service.getAllFunctions().map((key) => [key, service.getFunction(key)])),
      lambdaPort: Number(this.cliOptions.lambdaPort ?? offline.lambdaPort ?? 3002),
      region: service.provider.region,
    }, process.env, this.log);
    const stop = () => { void queues.stop(); };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  }
}

module.exports = OfflineQueuesPlugin;
