//! Prints the pod watch stream of the tutorial flow (a debugging aid).
use ordinal_sim::api::*;
use ordinal_sim::Cluster;

fn main() {
    let mut c = Cluster::new(1);
    let yaml = std::fs::read_to_string("examples/k8s-io-web.yaml").unwrap();
    let mut rv = c.resource_version();
    for r in c.apply_yaml(&yaml, "default").unwrap() {
        println!("{:?}", r.map(|a| (a.kind, a.name, a.action)));
    }
    let t0 = c.now();
    let print = |c: &mut Cluster, rv: &mut u64| {
        for ev in c.watch_since(*rv).unwrap() {
            *rv = ev.resource_version;
            match &*ev.object {
                Object::Pod(p) => {
                    let ready = p
                        .status
                        .container_statuses
                        .iter()
                        .filter(|s| s.ready)
                        .count();
                    let st = if p.metadata.deletion_timestamp.is_some() {
                        "Terminating".to_string()
                    } else {
                        p.status
                            .container_statuses
                            .iter()
                            .find_map(|s| s.state.waiting.as_ref().and_then(|w| w.reason.clone()))
                            .unwrap_or(p.phase().to_string())
                    };
                    println!(
                        "{:>7.1}s {:8} {} {}/{} {:18} node={:?} ip={:?}",
                        c.now().since(t0) as f64 / 1000.0,
                        ev.type_.as_str(),
                        p.metadata.name,
                        ready,
                        p.spec.containers.len(),
                        st,
                        p.spec.node_name,
                        p.status.pod_ip
                    );
                }
                Object::Event(e) => println!(
                    "{:>7.1}s   event {} {} {}: {}",
                    c.now().since(t0) as f64 / 1000.0,
                    e.involved_object.name.clone().unwrap_or_default(),
                    e.type_.clone().unwrap_or_default(),
                    e.reason.clone().unwrap_or_default(),
                    e.message.clone().unwrap_or_default()
                ),
                Object::PersistentVolumeClaim(p) => println!(
                    "{:>7.1}s {:8} pvc {} {:?}",
                    c.now().since(t0) as f64 / 1000.0,
                    ev.type_.as_str(),
                    p.metadata.name,
                    p.status.phase
                ),
                _ => {}
            }
        }
    };
    for _ in 0..600 {
        c.advance(100);
        print(&mut c, &mut rv);
    }
    println!("--- delete web-0");
    c.delete(Kind::Pod, "default", "web-0", &Default::default())
        .unwrap();
    for _ in 0..300 {
        c.advance(100);
        print(&mut c, &mut rv);
    }
}
