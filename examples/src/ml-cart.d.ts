/** The part of ml-cart (which ships no types) the training example uses. */
declare module 'ml-cart' {
  export interface DecisionTreeOptions {
    gainFunction?: 'gini';
    splitFunction?: 'mean';
    minNumSamples?: number;
    maxDepth?: number;
    gainThreshold?: number;
  }
  export class DecisionTreeClassifier {
    constructor(options?: DecisionTreeOptions);
    train(trainingSet: number[][], trainingLabels: number[]): void;
    predict(toPredict: number[][]): number[];
    toJSON(): { options: DecisionTreeOptions & { kind: string }; root: unknown; name: string };
    static load(model: object): DecisionTreeClassifier;
  }
}
