// A 3D stick-figure dancer drawn with three.js: joints as spheres, bones as lines.
// createDancer(container, {joints, bones}) -> {setPose(frame), highlight(jointIndices), render()}
import * as THREE from "three";
import { OrbitControls } from "three/addons/OrbitControls.js";

const BONE_COLOR = 0x9f8cff;
const JOINT_COLOR = 0xffffff;
const HIGHLIGHT_COLOR = 0xff5a4e;

export function createDancer(container, { joints, bones }) {
  const renderer = new THREE.WebGLRenderer({ antialias: true, preserveDrawingBuffer: true });
  renderer.setPixelRatio(Math.min(window.devicePixelRatio, 2));
  container.appendChild(renderer.domElement);
  const scene = new THREE.Scene();
  scene.background = new THREE.Color(0x14141f);
  const camera = new THREE.PerspectiveCamera(45, 4 / 3, 0.05, 100);
  camera.position.set(0, 1.3, 4.2);
  const controls = new OrbitControls(camera, renderer.domElement);
  controls.target.set(0, 0.9, 0);
  controls.update();
  scene.add(new THREE.GridHelper(8, 16, 0x444466, 0x2a2a3a));

  const jointGeometry = new THREE.SphereGeometry(0.035, 12, 8);
  const spheres = joints.map(() => {
    const mesh = new THREE.Mesh(jointGeometry, new THREE.MeshBasicMaterial({ color: JOINT_COLOR }));
    scene.add(mesh);
    return mesh;
  });
  const positions = new Float32Array(bones.length * 6);
  const lineGeometry = new THREE.BufferGeometry();
  lineGeometry.setAttribute("position", new THREE.BufferAttribute(positions, 3));
  scene.add(new THREE.LineSegments(lineGeometry, new THREE.LineBasicMaterial({ color: BONE_COLOR })));

  function resize() {
    const { clientWidth: w, clientHeight: h } = container;
    renderer.setSize(w, h, false);
    camera.aspect = w / Math.max(h, 1);
    camera.updateProjectionMatrix();
  }
  new ResizeObserver(resize).observe(container);
  resize();

  let origin = null; // keep the dancer near the centre of the stage: follow the root horizontally
  return {
    setPose(frame) {
      if (origin === null) origin = [frame[0][0], frame[0][2]];
      const follow = [frame[0][0] - origin[0], frame[0][2] - origin[1]];
      frame.forEach(([x, y, z], j) => spheres[j].position.set(x - origin[0] - follow[0] * 0.8, y, z - origin[1] - follow[1] * 0.8));
      bones.forEach(([a, b], i) => {
        positions.set(spheres[a].position.toArray(), i * 6);
        positions.set(spheres[b].position.toArray(), i * 6 + 3);
      });
      lineGeometry.attributes.position.needsUpdate = true;
    },
    highlight(indices) {
      const marked = new Set(indices);
      spheres.forEach((s, j) => s.material.color.setHex(marked.has(j) ? HIGHLIGHT_COLOR : JOINT_COLOR));
    },
    render() { renderer.render(scene, camera); },
  };
}

// The index of the last beat at or before time t (seconds), or -1.
export function beatIndexAt(beats, t) {
  let lo = 0, hi = beats.length - 1, found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (beats[mid] <= t) { found = mid; lo = mid + 1; } else { hi = mid - 1; }
  }
  return found;
}
