import { z } from 'zod';

/** A node of an ml-cart decision tree as `DecisionTreeClassifier.toJSON()` writes it: a split, or a leaf with its class distribution. */
interface TreeNode {
  splitColumn?: number;
  splitValue?: number;
  left?: TreeNode;
  right?: TreeNode;
  /** A leaf's class distribution: one row (ml-matrix serialized as rows), one entry per class index. */
  distribution?: number[][] | number[];
}

const TreeNodeSchema: z.ZodType<TreeNode> = z.lazy(() =>
  z.object({
    splitColumn: z.number().int().nonnegative().optional(),
    splitValue: z.number().optional(),
    left: TreeNodeSchema.optional(),
    right: TreeNodeSchema.optional(),
    distribution: z.union([z.array(z.array(z.number())), z.array(z.number())]).optional(),
  }),
);

/** The file examples/src/train-tree.ts writes: the class names, the feature names in column order, and the tree. */
export const TreeModelFileSchema = z.object({
  classes: z.array(z.string()).min(1),
  features: z.array(z.string()).min(1),
  tree: z.object({ root: TreeNodeSchema }),
});
export type TreeModelFile = z.infer<typeof TreeModelFileSchema>;

/** The class index a leaf's distribution gives: the first of the largest entries (as ml-cart's maxRowIndex). */
function argmax(distribution: number[][] | number[]): number {
  const row = (Array.isArray(distribution[0]) ? distribution[0] : distribution) as number[];
  let best = 0;
  for (let i = 1; i < row.length; i++) if (row[i]! > row[best]!) best = i;
  return best;
}

/** The class a tree gives one row of features, walked as ml-cart's TreeNode.classify walks it. */
function classify(node: TreeNode, row: readonly number[]): number {
  let at = node;
  for (;;) {
    if (at.left && at.right && at.splitColumn !== undefined && at.splitValue !== undefined) at = row[at.splitColumn]! < at.splitValue ? at.left : at.right;
    else if (at.distribution !== undefined) return argmax(at.distribution);
    else throw new Error('the tree has a node that is neither a split nor a leaf');
  }
}

/** An ml-cart tree model: predicts a class name per row of features (in `features` order). */
export class TreeModel {
  constructor(readonly file: TreeModelFile) {}

  get features(): readonly string[] {
    return this.file.features;
  }

  predict(rows: ReadonlyArray<readonly number[]>): string[] {
    return rows.map((row) => this.file.classes[classify(this.file.tree.root, row)] ?? String(classify(this.file.tree.root, row)));
  }
}
