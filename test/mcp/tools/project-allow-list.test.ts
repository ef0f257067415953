import { describe, expect, it } from 'vitest';
import { createProjectAllowList, splitOrderBy } from '../../../src/mcp/tools/project-allow-list.js';
import { ToolUsageError } from '../../../src/mcp/tools/tool-definition.js';

describe('JIRA_PROJECTS allow-list: JQL confinement', () => {
  const demoOnly = createProjectAllowList(['DEMO']);

  it('wraps the condition so an OR cannot reach another project', () => {
    expect(demoOnly.confineJql('project = DEMO OR project = OPS')).toBe(
      'project in ("DEMO") AND (project = DEMO OR project = OPS)',
    );
  });

  it('keeps a trailing ORDER BY outside the wrapper', () => {
    expect(demoOnly.confineJql('status = Done ORDER BY priority DESC, updated')).toBe(
      'project in ("DEMO") AND (status = Done) ORDER BY priority DESC, updated',
    );
    expect(demoOnly.confineJql('ORDER BY created DESC')).toBe(
      'project in ("DEMO") ORDER BY created DESC',
    );
  });

  it('ignores ORDER BY and parentheses inside quoted strings', () => {
    expect(demoOnly.confineJql('summary ~ "sort order by date (asc)"')).toBe(
      'project in ("DEMO") AND (summary ~ "sort order by date (asc)")',
    );
  });

  it('refuses parentheses that would close the wrapper early', () => {
    expect(() => demoOnly.confineJql('x = 1) OR (project = OPS')).toThrow(ToolUsageError);
    expect(() => demoOnly.confineJql('(project = OPS')).toThrow(ToolUsageError);
    expect(() => demoOnly.confineJql('summary ~ "unterminated')).toThrow(ToolUsageError);
  });

  it('refuses an ORDER BY clause that carries a condition', () => {
    expect(() => demoOnly.confineJql('status = Done ORDER BY key OR project = OPS')).toThrow(
      /ORDER BY must be a list of fields/,
    );
    expect(() => splitOrderBy('a = 1 ORDER BY key ORDER BY summary')).toThrow(ToolUsageError);
  });

  it('accepts quoted and custom-field sort keys', () => {
    expect(splitOrderBy('a = 1 order by "Story Points" asc, cf[10010] DESC')).toEqual({
      where: 'a = 1',
      orderBy: 'order by "Story Points" asc, cf[10010] DESC',
    });
  });

  it('passes JQL through unchanged when every project is allowed', () => {
    const all = createProjectAllowList([]);
    expect(all.restricted).toBe(false);
    expect(all.confineJql('project = OPS ORDER BY key')).toBe('project = OPS ORDER BY key');
  });
});

describe('JIRA_PROJECTS allow-list: keys and projects', () => {
  const list = createProjectAllowList(['demo', 'OPS']);

  it('normalises to upper case and checks issue keys by their project', () => {
    expect(list.projects).toEqual(['DEMO', 'OPS']);
    expect(() => {
      list.assertIssueKey('DEMO-1');
    }).not.toThrow();
    expect(() => {
      list.assertIssueKey('ops-7');
    }).not.toThrow();
    expect(() => {
      list.assertIssueKey('SECRET-1');
    }).toThrow('Issue SECRET-1 is outside the projects this gateway may access (DEMO, OPS).');
    expect(() => {
      list.assertProject('secret');
    }).toThrow('Project SECRET is outside the projects this gateway may access (DEMO, OPS).');
  });

  it('reports the refusal as project_not_allowed', () => {
    try {
      list.assertProject('HR');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ToolUsageError);
      expect((error as ToolUsageError).code).toBe('project_not_allowed');
    }
  });
});
