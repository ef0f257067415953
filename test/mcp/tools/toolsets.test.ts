import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ALL_TOOLS, availableTools } from '../../../src/mcp/tools/catalog.js';
import {
  DEFAULT_TOOLSETS,
  TOOLSET_NAMES,
  TOOLSETS,
  toolNamesOf,
  type ToolsetName,
} from '../../../src/config/toolsets.js';

const names = (tools: readonly { name: string }[]): string[] => tools.map((t) => t.name);
const SETTINGS = { readOnly: false, enabledTools: [], toolsets: [...DEFAULT_TOOLSETS] };

describe('toolsets (INTERFACES.md §1, MCP 2025-11-25 server/tools)', () => {
  it('puts every tool of ALL_TOOLS in exactly one toolset', () => {
    for (const tool of ALL_TOOLS) {
      const sets = TOOLSET_NAMES.filter((set) => TOOLSETS[set].includes(tool.name));
      expect({ tool: tool.name, sets }).toEqual({ tool: tool.name, sets: [expect.any(String)] });
    }
  });

  it('names in TOOLSETS only tools that exist in ALL_TOOLS', () => {
    const existing = new Set(names(ALL_TOOLS));
    const missing = Object.values(TOOLSETS)
      .flat()
      .filter((name) => !existing.has(name));
    expect(missing).toEqual([]);
  });

  it('lists no tool twice, and the core is the fifteen original tools', () => {
    const all = Object.values(TOOLSETS).flat();
    expect(new Set(all).size).toBe(all.length);
    expect(TOOLSETS.core).toHaveLength(15);
    expect(DEFAULT_TOOLSETS).toEqual(['core', 'agile', 'history', 'structure']);
  });

  it('offers by default exactly the tools of the default toolsets, in ALL_TOOLS order', () => {
    const expected = names(ALL_TOOLS).filter((name) => toolNamesOf(DEFAULT_TOOLSETS).has(name));
    expect(names(availableTools(SETTINGS))).toEqual(expected);
    for (const optIn of [...TOOLSETS.attachments, ...TOOLSETS.collaboration]) {
      expect(names(availableTools(SETTINGS))).not.toContain(optIn);
    }
  });

  it('offers one toolset alone, and every tool with all of them', () => {
    expect(names(availableTools({ ...SETTINGS, toolsets: ['core'] }))).toEqual(
      names(ALL_TOOLS).filter((name) => TOOLSETS.core.includes(name)),
    );
    expect(
      names(availableTools({ ...SETTINGS, toolsets: [...TOOLSET_NAMES] as ToolsetName[] })),
    ).toEqual(names(ALL_TOOLS));
  });

  it('ENABLED_TOOLS names the exact tools, from any toolset, in place of TOOLSETS', () => {
    const outside = ALL_TOOLS.find((tool) => !toolNamesOf(DEFAULT_TOOLSETS).has(tool.name));
    const chosen = ['jira_get_issue', ...(outside === undefined ? [] : [outside.name])];
    expect(names(availableTools({ ...SETTINGS, enabledTools: chosen }))).toEqual(chosen);
  });

  it('READ_ONLY removes every write tool, whether chosen by toolset or by name', () => {
    const all = availableTools({ ...SETTINGS, readOnly: true, toolsets: [...TOOLSET_NAMES] });
    expect(all.length).toBeGreaterThan(0);
    expect(all.every((tool) => tool.scope === 'jira:read')).toBe(true);
    expect(
      names(
        availableTools({
          ...SETTINGS,
          readOnly: true,
          enabledTools: ['jira_get_issue', 'jira_add_comment'],
        }),
      ),
    ).toEqual(['jira_get_issue']);
  });

  it("lists every tool in README's tool table with its toolset and scope", () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    const rows = new Map(
      readme
        .split('\n')
        .filter((line) => line.startsWith('| `jira_'))
        .map((line) => {
          const cells = line.split('|').map((cell) => cell.trim());
          return [cells[1]?.replace(/`/g, ''), { toolset: cells[2], scope: cells[3] }] as const;
        }),
    );
    for (const tool of ALL_TOOLS) {
      const toolset = TOOLSET_NAMES.find((set) => TOOLSETS[set].includes(tool.name));
      expect({ tool: tool.name, ...rows.get(tool.name) }).toEqual({
        tool: tool.name,
        toolset,
        scope: `\`${tool.scope}\``,
      });
    }
    expect([...rows.keys()].sort()).toEqual(Object.values(TOOLSETS).flat().sort());
  });
});
