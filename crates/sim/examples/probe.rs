fn main() {
    let n: usize = std::env::args().nth(1).unwrap().parse().unwrap();
    let y = std::fs::read_to_string("/tmp/m.yaml")
        .unwrap()
        .replace("REPLICAS", &n.to_string());
    let mut c = ordinal_sim::Cluster::new(1);
    c.apply_yaml(&y, "default").unwrap();
    c.settle_within(3600_000 * 48);
}
