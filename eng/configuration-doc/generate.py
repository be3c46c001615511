#!/usr/bin/env python3
"""Writes docs/configuration.md from eng/configuration-doc/template.md: each {{file#Class|Skip,Keys}} becomes a table of
the class's public properties (key, default from its <value> doc, meaning from its <summary>), and numeric ranges the
validators check (Range/Between/Positive calls naming the key) are added as "Valid: ...".
Run from the repository root: python3 eng/configuration-doc/generate.py"""
import re, glob, collections

def props(f, cls=None):
    s=open(f).read()
    if cls:
        i=s.index(f'class {cls}')
        j=s.find('\npublic ',i+1)
        j2=s.find('\ninternal ',i+1)
        ends=[x for x in (j,j2) if x>0]
        s=s[i:min(ends) if ends else len(s)]
    out=[]
    for m in re.finditer(r'((?:[ \t]*///.*\n)+)(?:[ \t]*\[[^\]]*\]\s*\n)*[ \t]*public (?:required )?([\w<>\[\]?, .]+?) (\w+) \{ get;(?: (?:set|init);)? \}',s):
        doc=re.sub(r'^\s*/// ?','',m.group(1),flags=re.M).replace('\n',' ')
        summ=re.search(r'<summary>(.*?)</summary>',doc); val=re.search(r'<value>(.*?)</value>',doc)
        def clean(t):
            t=t or ''
            t=re.sub(r'<see langword="(\w+)"\s*/>',r'`\1`',t)
            t=re.sub(r'<c>(.*?)</c>',r'`\1`',t)
            t=re.sub(r'<see cref="(?:[\w.]+\.)?(\w+)(?:\([^"]*\))?"\s*/>',r'`\1`',t)
            t=re.sub(r'<see cref="[^"]*">(.*?)</see>',r'\1',t)
            t=re.sub(r'<para>|</para>',' ',t)
            t=re.sub(r'&lt;','<',t); t=re.sub(r'&gt;','>',t)
            return re.sub(r'\s+',' ',t).strip()
        v=clean(val.group(1) if val else '')
        v=re.sub(r'^The default is ','',v)
        sm=clean(summ.group(1) if summ else '')
        sm=re.sub(r'^Gets or sets |^Gets ','',sm)
        sm=sm[0].upper()+sm[1:] if sm else sm
        name=m.group(3); typ=m.group(2)
        if typ in ('LlmProviderCapabilityOptions','LlmModelPricing','LlmAttemptPolicyOptions','LlmCircuitBreakerOptions','LlmReplicaHealthOptions','StreamingFallbackOptions','HedgingOptions','AdaptiveTimeoutOptions','LlmSemanticCacheOptions','PiiDetectorOptions','ComplexityRoutingOptions','LlmRateLimit','LlmBudgetLimits'):
            v = v or 'see below'
        bar='|'; esc=chr(92)+'|'
        out.append('| `'+name+'` | '+v.replace(bar,esc)+' | '+sm.replace(bar,esc)+' |')
    return '\n'.join(out)

files=[f for f in glob.glob('src/**/*.cs',recursive=True) if '/obj/' not in f and '/bin/' not in f]
calls=collections.defaultdict(set)
def fmt(x):
    x=x.strip()
    x=re.sub(r'TimeSpan\.FromSeconds\(([\d._]+)\)',r'\1 s',x)
    x=re.sub(r'TimeSpan\.FromMilliseconds\(([\d._]+)\)',r'\1 ms',x)
    x=re.sub(r'TimeSpan\.FromMinutes\(([\d._]+)\)',r'\1 min',x)
    x=re.sub(r'TimeSpan\.FromHours\(([\d._]+)\)',r'\1 h',x)
    x=re.sub(r'TimeSpan\.FromDays\(([\d._]+)\)',r'\1 days',x)
    x=x.replace('_',',') if re.fullmatch(r'[\d_]+',x) else x
    return x
for f in files:
    s=open(f).read()
    for m in re.finditer(r'\b(Range|Between|Positive|NonNegative|NotNegative|PositiveOrInfinite|Duration|Percent\w*|Ratio\w*)\(([^;]*?)\$"\{\w+\}:([A-Za-z:]+)"',s):
        kind,args,key=m.groups()
        parts=[a.strip() for a in args.rstrip(', ').split(',')]
        name=key.split(':')[-1]
        if kind=='Range' and len(parts)>=3:
            c=f'{fmt(parts[1])} to {fmt(parts[2])}'
        elif kind=='Between' and len(parts)>=4:
            lo='>' if parts[3]=='false' else '≥'
            c=f'{lo} {fmt(parts[1])}, ≤ {fmt(parts[2])}'
        elif kind=='Between' and len(parts)>=3:
            c=f'{fmt(parts[1])} to {fmt(parts[2])}'
        elif kind=='Positive': c='> 0'
        elif kind in('NonNegative','NotNegative'): c='≥ 0'
        else: c=None
        if c: calls[name].add(c)


def valid(row):
    name=row.split('`')[1]
    c=calls.get(name)
    if not c or len(c)!=1 or name in ('Weight','Threshold','DefaultMaxOutputTokens') or 'between' in row.split(' | ')[-1].lower():
        return row
    return row[:-2]+' Valid: '+next(iter(c)).replace('int.MaxValue','2,147,483,647')+'. |'

t=open('eng/configuration-doc/template.md').read()
def rep(m):
    spec=m.group(1)
    spec,_,skip=spec.partition('|')
    f,_,cls=spec.partition('#')
    rows=props(f,cls or None).split('\n')
    skips=set(skip.split(',')) if skip else set()
    rows=[r for r in rows if r and not any(r.startswith('| `'+s+'`') for s in skips)]
    if not rows: raise SystemExit('no rows for '+spec)
    rows=[valid(r.replace('| A value indicating whether ','| Whether ')) for r in rows]
    return '| Key | Default | Meaning |\n|---|---|---|\n'+'\n'.join(rows)
out=re.sub(r'\{\{(.*?)\}\}',rep,t)
open('docs/configuration.md','w').write(out)
