import * as path from 'node:path';
import * as ts from 'typescript';

export interface KubernetesObject {
  apiVersion: string;
  kind: string;
  metadata?: { name?: string; namespace?: string };
  [field: string]: unknown;
}

/** The kubernetes-models module of a kind: `kubernetes-models/apps/v1/Deployment`. */
const modelModule = (o: KubernetesObject) => `kubernetes-models/${o.apiVersion}/${o.kind}`;

/**
 * Checks an object against the Kubernetes schemas (kubernetes-models): types, required fields,
 * formats (quantities, enums). Returns the problems, none when valid.
 */
export function schemaProblems(o: KubernetesObject): string[] {
  let Model: new (data: unknown) => { validate(): void };
  try {
    Model = require(modelModule(o))[o.kind];
  } catch {
    return [`no schema for ${o.apiVersion} ${o.kind}`];
  }
  try {
    new Model(o).validate();
    return [];
  } catch (error) {
    return [String((error as Error).message)];
  }
}

/**
 * Fields the schemas do not know. The schemas' validators accept any extra property (as the
 * OpenAPI documents allow), so a misspelt field would pass them and be dropped by the API
 * server; this walks each object along the TypeScript interface kubernetes-models declares
 * for its kind, and names every property that interface does not have.
 */
export class UnknownFieldCheck {
  private readonly checker: ts.TypeChecker;
  private readonly roots = new Map<string, ts.Type>();

  constructor(objects: KubernetesObject[]) {
    const kinds = [...new Map(objects.map((o) => [modelModule(o), o])).values()];
    const file = path.join(__dirname, '__kubernetes_roots__.ts');
    const source = kinds.map((o, i) => `import type { I${o.kind} as T${i} } from '${modelModule(o)}';`).join('\n');
    const declarations = kinds.map((_, i) => `export declare const root${i}: T${i};`).join('\n');
    const host = ts.createCompilerHost({});
    const getSourceFile = host.getSourceFile.bind(host);
    host.getSourceFile = (name, language, ...rest) =>
      name === file
        ? ts.createSourceFile(name, `${source}\n${declarations}\n`, language)
        : getSourceFile(name, language, ...rest);
    host.fileExists = (
      (exists) => (name: string) =>
        name === file || exists(name)
    )(host.fileExists.bind(host));
    const options: ts.CompilerOptions = {
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      types: [],
      moduleResolution: ts.ModuleResolutionKind.Node10,
    };
    const program = ts.createProgram([file], options, host);
    this.checker = program.getTypeChecker();
    const exported = this.checker.getExportsOfModule(this.checker.getSymbolAtLocation(program.getSourceFile(file)!)!);
    kinds.forEach((o, i) => {
      const type = this.checker.getTypeOfSymbol(exported.find((s) => s.name === `root${i}`)!);
      // An unresolved import would make every field "known": refuse instead.
      if (type.flags & ts.TypeFlags.Any) throw new Error(`cannot read the declared type of ${modelModule(o)}`);
      this.roots.set(modelModule(o), type);
    });
  }

  unknownFields(o: KubernetesObject): string[] {
    const type = this.roots.get(modelModule(o));
    if (!type) throw new Error(`not prepared for ${modelModule(o)}`);
    const found: string[] = [];
    this.walk(o, type, '', found);
    return found;
  }

  private walk(value: unknown, declared: ts.Type, at: string, found: string[]): void {
    if (value === null || typeof value !== 'object') return;
    const type = this.checker.getNonNullableType(declared);
    if (Array.isArray(value)) {
      const element = this.checker.isArrayType(type)
        ? this.checker.getTypeArguments(type as ts.TypeReference)[0]
        : undefined;
      if (element) value.forEach((item, i) => this.walk(item, element, `${at}[${i}]`, found));
      return;
    }
    const members = type.isUnion() ? type.types : [type];
    for (const [key, child] of Object.entries(value)) {
      const property = members.map((m) => m.getProperty(key)).find(Boolean);
      if (property) {
        this.walk(child, this.checker.getTypeOfSymbol(property), `${at}.${key}`, found);
        continue;
      }
      const indexed = members.map((m) => this.checker.getIndexTypeOfType(m, ts.IndexKind.String)).find(Boolean);
      if (indexed) this.walk(child, indexed, `${at}.${key}`, found);
      else found.push(`${at}.${key}`.slice(1));
    }
  }
}
