// The built-in incident library, found the way a user's scenario files are.
// The canary comes first: it is the smallest and the quickest to fail.
import { defineConfig } from 'chaos-testbed';

export default defineConfig({
  scenarios: ['scenarios/canary/lease.scenario.ts', 'scenarios/**/*.scenario.ts'],
});
