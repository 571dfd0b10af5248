// chaos-testbed's config: the scenario files `npx chaos-testbed run` checks.
import { defineConfig } from 'chaos-testbed';

export default defineConfig({
  scenarios: ['incidents/**/*.scenario.ts'],
});
