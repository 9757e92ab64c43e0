import { type Coupling, type CouplingSet, couplingParity, defaultCoupling, type Registry } from '@rsrg/core';
import { type Command, Option } from 'commander';
import type { CommandContext } from '../context.js';
import { jsonHead, toJson } from '../format/json.js';

/** `rsrg list`: everything the loaded plugins registered, for people or (`--json`) programs. */
export function listCommand(program: Command, ctx: CommandContext): Command {
  return program
    .command('list')
    .description('list the registered models, samplers, projectors, coupling sets and studies')
    .addOption(new Option('--json', 'print one JSON object instead of text'))
    .action(async (opts: { json?: boolean }) => {
      const listing = describeRegistry(await ctx.registry());
      ctx.io.stdout(opts.json ? toJson({ ...jsonHead('list'), ...listing }) : renderListing(listing));
    });
}

type Listing = ReturnType<typeof describeRegistry>;

/** Plain data about every registered item: the `list --json` schema. */
export function describeRegistry(registry: Registry) {
  return {
    plugins: [...registry.sources],
    models: registry.models.list().map((m) => ({
      id: m.id,
      description: m.description,
      dimension: m.dimension,
      // null where the model has no transition.
      criticalCoupling: m.criticalCoupling ?? null,
      couplingSets: { even: m.couplingSets.even, odd: m.couplingSets.odd },
      ...(m.sectors && { sectors: { ...m.sectors } }),
      ...(m.spins?.kind === 'state' && { states: m.spins.states }),
      ...(m.options && { options: { ...m.options }, optionValues: { ...m.optionValues } }),
      defaults: {
        sampler: m.defaults.sampler,
        projector: m.defaults.projector,
        interval: m.defaults.interval,
        coupling: defaultCoupling(m) ?? null,
      },
      exponents: m.exponents ?? {},
    })),
    samplers: registry.samplers.list().map((s) => ({ id: s.id, description: s.description, unit: s.unit })),
    projectors: registry.projectors.list().map((p) => ({ id: p.id, description: p.description })),
    couplingSets: registry.couplingSets.list().map((set) => ({
      id: set.id,
      description: set.description,
      parity: setParity(set),
      couplings: set.couplings.map((c) => ({
        name: c.name,
        parity: couplingParity(c),
        terms: c.terms.length,
      })),
    })),
    studies: registry.studies.list().map((st) => ({
      id: st.id,
      description: st.description,
      citation: st.citation,
      model: st.model,
      size: st.size,
      projectors: [...st.projectors],
      scales: Object.keys(st.scales),
      defaultScale: st.defaultScale,
    })),
  };
}

function setParity(set: CouplingSet): string {
  const parities = new Set(set.couplings.map((c: Coupling) => couplingParity(c)));
  return parities.size === 1 ? [...parities][0] : 'mixed';
}

/** K_c, and the default coupling where it is not K_c (a model without a transition has only that). */
function couplingLine(critical: number | null, fallback: number | null): string {
  if (critical === null)
    return fallback === null ? 'no transition' : `default coupling ${fallback} (no transition)`;
  return fallback === critical ? `K_c = ${critical}` : `K_c = ${critical}, default coupling ${fallback}`;
}

function renderListing(l: Listing): string {
  const out: string[] = [];
  const section = (title: string, items: { id: string; lines: string[] }[]) => {
    out.push(title);
    if (items.length === 0) out.push('  (none)');
    const w = Math.max(0, ...items.map((i) => i.id.length));
    for (const item of items) {
      item.lines.forEach((line, k) => {
        out.push(`  ${(k === 0 ? item.id : '').padEnd(w)}  ${line}`.trimEnd());
      });
    }
    out.push('');
  };
  section(
    'models',
    l.models.map((m) => {
      const known = Object.entries(m.exponents)
        .map(([k, v]) => `${k === 'yt' ? 'y_t' : k === 'yh' ? 'y_h' : k} = ${v}`)
        .join(', ');
      return {
        id: m.id,
        lines: [
          m.description,
          `d = ${m.dimension}, ${couplingLine(m.criticalCoupling, m.defaults.coupling)}`,
          `defaults: sampler ${m.defaults.sampler}, projector ${m.defaults.projector}, interval ${m.defaults.interval}`,
          `coupling sets: ${m.sectors?.even ?? 'even'} ${m.couplingSets.even}, ${m.sectors?.odd ?? 'odd'} ${m.couplingSets.odd}`,
          ...(m.options
            ? [
                `options (--model-option): ${Object.entries(m.options)
                  .map(
                    ([k, o]) =>
                      `${k} (${o.kind}${'min' in o && o.min !== undefined ? `, ${o.min}…${o.max ?? '∞'}` : ''}; default ${m.optionValues?.[k] ?? 'none'})`,
                  )
                  .join(', ')}`,
              ]
            : []),
          ...(known ? [`known exponents: ${known}`] : []),
        ],
      };
    }),
  );
  section(
    'samplers',
    l.samplers.map((s) => ({ id: s.id, lines: [`${s.description} (unit: ${s.unit})`] })),
  );
  section(
    'projectors',
    l.projectors.map((p) => ({ id: p.id, lines: [p.description] })),
  );
  section(
    'coupling sets',
    l.couplingSets.map((set) => ({
      id: set.id,
      lines: [
        set.description,
        ...set.couplings.map(
          (c, i) => `${String(i + 1).padStart(3)}  ${c.name} (${c.terms} term${c.terms === 1 ? '' : 's'})`,
        ),
      ],
    })),
  );
  section(
    'studies (rsrg reproduce <id>)',
    l.studies.map((st) => ({
      id: st.id,
      lines: [
        st.description,
        `${st.model} on L = ${st.size}; projectors ${st.projectors.join(', ')}; scales ${st.scales.join(', ')} (default ${st.defaultScale})`,
        st.citation,
      ],
    })),
  );
  if (l.plugins.length) out.push('plugins', ...l.plugins.map((p) => `  ${p}`), '');
  return `${out.join('\n').trimEnd()}\n`;
}
