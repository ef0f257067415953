import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.js';

function configError(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message;
  }
  throw new Error('loadConfig accepted the configuration');
}

describe('config: TOOLSETS and ENABLED_TOOLS', () => {
  it('defaults to core, agile, history and structure', () => {
    expect(loadConfig({}).toolsets).toEqual(['core', 'agile', 'history', 'structure']);
  });

  it('reads a comma list case-insensitively, in the documented order, and expands all', () => {
    expect(loadConfig({ TOOLSETS: ' Attachments, core ,,' }).toolsets).toEqual([
      'core',
      'attachments',
    ]);
    expect(loadConfig({ TOOLSETS: 'all' }).toolsets).toEqual([
      'core',
      'agile',
      'attachments',
      'history',
      'structure',
      'collaboration',
    ]);
  });

  it('refuses an unknown toolset, naming it and the known ones', () => {
    expect(configError({ TOOLSETS: 'core,agil' })).toBe(
      'Invalid configuration:\n  TOOLSETS: unknown toolset "agil" (known: core, agile, attachments, history, structure, collaboration, all)',
    );
    expect(configError({ TOOLSETS: ',' })).toBe(
      'Invalid configuration:\n  TOOLSETS: names no toolset (known: core, agile, attachments, history, structure, collaboration, all)',
    );
  });

  it('refuses an unknown tool name in ENABLED_TOOLS', () => {
    expect(configError({ ENABLED_TOOLS: 'jira_get_issue,jira_search' })).toBe(
      'Invalid configuration:\n  ENABLED_TOOLS: unknown tool "jira_search" (tool names look like jira_get_issue; README "Tools" lists them)',
    );
  });

  it('refuses TOOLSETS together with ENABLED_TOOLS', () => {
    expect(configError({ TOOLSETS: 'core', ENABLED_TOOLS: 'jira_get_issue' })).toBe(
      'Invalid configuration:\n  TOOLSETS, ENABLED_TOOLS: set one or the other (ENABLED_TOOLS names the exact tools, from any toolset)',
    );
  });

  it('accepts a tool outside the default toolsets in ENABLED_TOOLS', () => {
    expect(loadConfig({ ENABLED_TOOLS: 'jira_delete_link' }).enabledTools).toEqual([
      'jira_delete_link',
    ]);
  });
});
