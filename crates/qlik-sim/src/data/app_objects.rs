//! An app's persistent generic objects — sheets, master objects and their
//! children — in the order they were loaded, with the parent of each.

use std::collections::HashMap;

use serde_json::Value;

/// One generic object: its own properties (without its children) and its
/// place in the tree.
#[derive(Debug, Clone)]
pub struct AppObject {
    /// The object's properties (`qInfo`, `qMetaDef`, …), without children.
    pub properties: Value,
    /// The parent's id; none for an app object (a sheet, a master object).
    pub parent: Option<String>,
    /// The children's ids, in order.
    pub children: Vec<String>,
}

/// Every generic object of an app, by id.
#[derive(Debug, Clone, Default)]
pub struct AppObjects {
    objects: Vec<AppObject>,
    index: HashMap<String, usize>,
}

impl AppObjects {
    /// Adds an object tree: bare properties, or `{qProperty, qChildren:
    /// [{qProperty, qChildren}, …]}` as `qlik app unbuild` writes an object
    /// with children. Errors name the object id.
    pub fn add_tree(&mut self, tree: &Value) -> Result<(), String> {
        self.add_node(tree, None).map(|_| ())
    }

    fn add_node(&mut self, node: &Value, parent: Option<&str>) -> Result<String, String> {
        let (properties, children) = match node.get("qProperty") {
            Some(properties) => (properties, node.get("qChildren")),
            None => (node, None),
        };
        if !properties.is_object() {
            return Err("an object's properties are not a JSON object".into());
        }
        let id = properties["qInfo"]["qId"]
            .as_str()
            .filter(|id| !id.is_empty())
            .ok_or("an object without qInfo.qId")?
            .to_owned();
        if properties["qInfo"]["qType"].as_str().is_none() {
            return Err(format!("object {id}: no qInfo.qType"));
        }
        if self.index.contains_key(&id) {
            return Err(format!("object {id}: the id is used twice"));
        }
        let children = match children {
            None | Some(Value::Null) => &[][..],
            Some(Value::Array(children)) => children.as_slice(),
            Some(_) => return Err(format!("object {id}: qChildren is not a list")),
        };
        let at = self.objects.len();
        self.index.insert(id.clone(), at);
        self.objects.push(AppObject {
            properties: properties.clone(),
            parent: parent.map(str::to_owned),
            children: Vec::new(),
        });
        for child in children {
            let child_id = self.add_node(child, Some(&id))?;
            self.objects[at].children.push(child_id);
        }
        Ok(id)
    }

    /// The object with this id (at any depth).
    pub fn get(&self, id: &str) -> Option<&AppObject> {
        self.index.get(id).map(|at| &self.objects[*at])
    }

    /// The properties of the object with this id.
    pub fn properties(&self, id: &str) -> Option<&Value> {
        self.get(id).map(|o| &o.properties)
    }

    /// Every object, parents before their children, in load order.
    pub fn iter(&self) -> impl Iterator<Item = &AppObject> {
        self.objects.iter()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn trees_are_flattened_with_their_parents() {
        let mut objects = AppObjects::default();
        objects
            .add_tree(&json!({"qProperty": {"qInfo": {"qId": "s", "qType": "sheet"}},
                "qChildren": [{"qProperty": {"qInfo": {"qId": "f", "qType": "filterpane"}},
                    "qChildren": [{"qProperty": {"qInfo": {"qId": "l", "qType": "listbox"}}, "qChildren": []}]}]}))
            .unwrap();
        assert_eq!(objects.get("s").unwrap().children, ["f"]);
        assert_eq!(objects.get("l").unwrap().parent.as_deref(), Some("f"));
        assert!(objects.properties("l").unwrap().get("qChildren").is_none());
        let twice = objects.add_tree(&json!({"qInfo": {"qId": "l", "qType": "listbox"}}));
        assert_eq!(twice.unwrap_err(), "object l: the id is used twice");
        let bad = objects.add_tree(&json!({"qInfo": {"qType": "x"}}));
        assert!(bad.unwrap_err().contains("qId"));
    }
}
