#!/usr/bin/python3
"""Exports a fitted scikit-learn model into a format rtai's evaluator loads.

  LogisticRegression (binary)      -> rtai linear JSON ("rtai.linear" v1)
  GradientBoostingClassifier       -> XGBoost 1.7 JSON (binary:logistic, or
                                      multi:softprob for 3+ classes)

Usage:
  export_model.py MODEL.pkl OUT.json [--feature-names a,b,c]

MODEL.pkl is a pickle (or joblib) file of the fitted estimator. Unpickling
runs code from the file: only export models you trust. Feature names come
from --feature-names, else the estimator's feature_names_in_, else f0..fN-1.
Run with /usr/bin/python3 (Debian's scikit-learn). Exits 2 on an unsupported
model, with a message on stderr.

GradientBoostingClassifier mapping (exact up to float32 rounding of leaves):
  * each regression tree becomes an XGBoost tree; leaf values are multiplied
    by learning_rate; sklearn's "x <= t" (x as float32, t double) becomes
    XGBoost's "x < c" with c = the float32 just above the largest float32 <= t;
  * the model's initial raw prediction (log-odds prior, or log priors per
    class) becomes one single-leaf tree per output, base_score is neutral;
  * NaN is not valid sklearn input; exported nodes send missing values right.
"""
import argparse
import json
import pickle
import sys

import numpy as np


class ExportError(Exception):
    pass


def feature_names(model, given):
    n = model.n_features_in_
    if given:
        names = given.split(",")
    elif hasattr(model, "feature_names_in_"):
        names = [str(x) for x in model.feature_names_in_]
    else:
        names = [f"f{i}" for i in range(n)]
    if len(names) != n:
        raise ExportError(f"{len(names)} feature names for {n} features")
    return names


def export_logistic(model, names):
    if len(model.classes_) != 2:
        raise ExportError("only binary LogisticRegression is supported")
    coef = model.coef_[0]
    return {
        "format": "rtai.linear",
        "version": 1,
        "objective": "binary:logistic",
        "intercept": float(model.intercept_[0]),
        "weights": {name: float(w) for name, w in zip(names, coef)},
    }


def xgb_threshold(t):
    """float32 c such that for float32 x: x <= t (double) <=> x < c."""
    f = np.float32(t)
    if float(f) > t:
        f = np.nextafter(f, np.float32(-np.inf), dtype=np.float32)
    return float(np.nextafter(f, np.float32(np.inf), dtype=np.float32))


def xgb_tree(tree_id, left, right, feature, value, n_features):
    n = len(left)
    parents = [2147483647] * n
    for i in range(n):
        if left[i] != -1:
            parents[left[i]] = i
            parents[right[i]] = i
    return {
        "base_weights": [0.0] * n, "categories": [], "categories_nodes": [],
        "categories_segments": [], "categories_sizes": [],
        "default_left": [0] * n, "id": tree_id,
        "left_children": left, "loss_changes": [0.0] * n,
        "parents": parents, "right_children": right,
        "split_conditions": value, "split_indices": feature,
        "split_type": [0] * n, "sum_hessian": [0.0] * n,
        "tree_param": {"num_deleted": "0", "num_feature": str(n_features),
                       "num_nodes": str(n), "size_leaf_vector": "0"},
    }


def convert_sklearn_tree(t, scale):
    # XGBoost requires right child == left child + 1 (its predictor relies on
    # it), so renumber sklearn's depth-first nodes breadth-first.
    order = [0]
    for i in order:
        if t.children_left[i] != -1:
            order += [int(t.children_left[i]), int(t.children_right[i])]
    new_id = {old: new for new, old in enumerate(order)}
    left, right, feature, value = [], [], [], []
    for i in order:
        if t.children_left[i] == -1:
            left.append(-1)
            right.append(-1)
            feature.append(0)
            value.append(float(np.float32(t.value[i][0][0] * scale)))
        else:
            left.append(new_id[int(t.children_left[i])])
            right.append(new_id[int(t.children_right[i])])
            feature.append(int(t.feature[i]))
            value.append(xgb_threshold(float(t.threshold[i])))
    return left, right, feature, value


def export_gbc(model, names):
    loss = getattr(model, "loss", "log_loss")
    if loss not in ("log_loss", "deviance"):
        raise ExportError(f"GradientBoostingClassifier loss {loss!r} unsupported")
    n_features = model.n_features_in_
    k = model.estimators_.shape[1]
    init = model._raw_predict_init(np.zeros((1, n_features), dtype=np.float32))[0]
    trees, info = [], []
    for g in range(k):  # one single-leaf tree per output holds the prior
        trees.append(xgb_tree(len(trees), [-1], [-1], [0],
                              [float(np.float32(init[g]))], n_features))
        info.append(g)
    for stage in model.estimators_:
        for g in range(k):
            parts = convert_sklearn_tree(stage[g].tree_, model.learning_rate)
            trees.append(xgb_tree(len(trees), *parts, n_features))
            info.append(g)
    multi = k > 1
    return {
        "learner": {
            "attributes": {}, "feature_names": names,
            "feature_types": ["float"] * len(names),
            "gradient_booster": {
                "model": {
                    "gbtree_model_param": {"num_parallel_tree": "1",
                                           "num_trees": str(len(trees)),
                                           "size_leaf_vector": "0"},
                    "tree_info": info, "trees": trees},
                "name": "gbtree"},
            "learner_model_param": {
                "base_score": "0" if multi else "5E-1",
                "boost_from_average": "0",
                "num_class": str(k if multi else 0),
                "num_feature": str(n_features), "num_target": "1"},
            "objective": {"name": "multi:softprob" if multi else "binary:logistic",
                          "softmax_multiclass_param" if multi else "reg_loss_param":
                              {"num_class": str(k)} if multi else {"scale_pos_weight": "1"}},
        },
        "version": [1, 7, 4],
    }


def export(model, names_arg=None):
    kind = type(model).__name__
    if kind == "LogisticRegression":
        return export_logistic(model, feature_names(model, names_arg))
    if kind == "GradientBoostingClassifier":
        return export_gbc(model, feature_names(model, names_arg))
    raise ExportError(f"unsupported estimator {kind} "
                      "(LogisticRegression, GradientBoostingClassifier)")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("model")
    p.add_argument("out")
    p.add_argument("--feature-names")
    a = p.parse_args()
    with open(a.model, "rb") as f:
        model = pickle.load(f)
    try:
        doc = export(model, a.feature_names)
    except ExportError as e:
        print(f"export_model: {e}", file=sys.stderr)
        sys.exit(2)
    with open(a.out, "w") as f:
        json.dump(doc, f)


if __name__ == "__main__":
    main()
