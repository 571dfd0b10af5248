/**
 * The project a test runs in: where the config is (found from the working
 * directory, as the command line finds it), or the working directory.
 */
import { openProject, type Project } from '../load/config.ts';

let cached: Promise<Project> | undefined;

export function projectHere(): Promise<Project> {
  cached ??= openProject(process.cwd());
  return cached;
}
